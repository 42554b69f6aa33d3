package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.ops.StartupArchive;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.StdioClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** setup, doctor and the start-up archive, run from the shaded jar as people run them. */
class OperationsJarIT {
    @TempDir
    Path home;

    private Path dataDir;
    private Path jar;

    /** A private copy of the jar: the archive tests change its time and bytes. */
    @BeforeEach
    void copyJar() throws IOException {
        dataDir = home.resolve("data");
        jar = home.resolve("llm-cli-gateway.jar");
        Files.copy(GatewayProcess.jar(), jar, StandardCopyOption.COPY_ATTRIBUTES);
    }

    private record Run(int exitCode, String stdout, String stderr) {}

    private Run command(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(GatewayProcess.javaExecutable(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HOME", home.toString());
        builder.environment().put("LLM_GATEWAY_HOME", dataDir.toString());
        builder.environment().putAll(extraEnv);
        Path stdout = Files.createTempFile(home, "out", ".txt");
        Path stderr = Files.createTempFile(home, "err", ".txt");
        Process process = builder.redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "command " + List.of(args) + " did not finish");
        return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    /** Launches a host entry exactly as printed by setup --print, optionally with JVM flags added before -jar. */
    private static Process launch(JsonNode entry, List<String> extraJvmFlags, Path stderr) throws IOException {
        List<String> command = new ArrayList<>(List.of(entry.get("command").asText()));
        for (JsonNode arg : entry.get("args")) {
            if (arg.asText().equals("-jar")) {
                command.addAll(extraJvmFlags);
            }
            command.add(arg.asText());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        entry.get("env")
                .fields()
                .forEachRemaining(
                        e -> builder.environment().put(e.getKey(), e.getValue().asText()));
        return builder.start();
    }

    private JsonNode printedEntry(String client) throws Exception {
        Run print = command(Map.of(), "setup", "--print", "--client", client);
        assertEquals(0, print.exitCode(), print.stderr());
        assertEquals(1, print.stdout().lines().count(), print.stdout());
        return Json.newMapper().readTree(print.stdout());
    }

    private StartupArchive archive() {
        return new StartupArchive(dataDir, Path.of(GatewayProcess.javaExecutable()), jar, Clock.systemUTC());
    }

    /** Initializes a launched entry, returns the class-load log; fails on anything but JSON-RPC on stdout. */
    private String initializeAndReadClassLog(JsonNode entry, Path classLog, Path stderr) throws Exception {
        Process process = launch(entry, List.of("-Xlog:class+load=info:file=" + classLog), stderr);
        try (StdioClient client = new StdioClient(process.getOutputStream(), process.getInputStream())) {
            assertEquals(
                    "llm-cli-gateway",
                    client.initialize()
                            .get("result")
                            .get("serverInfo")
                            .get("name")
                            .asText());
            client.closeInput();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue());
            assertEquals(List.of(), client.nonJsonRpcLines(), "stdout carries JSON-RPC only");
        } finally {
            process.destroyForcibly();
        }
        return Files.readString(classLog);
    }

    @Test
    void setupWriteMergesIntoExistingConfigsAndKeepsBackups() throws Exception {
        Path cursor = home.resolve(".cursor/mcp.json");
        Files.createDirectories(cursor.getParent());
        String cursorOriginal =
                "{\"mcpServers\":{\"github\":{\"command\":\"docker\",\"args\":[\"run\",\"github-mcp\"]}},\"theme\":\"dark\"}";
        Files.writeString(cursor, cursorOriginal);
        Path codex = home.resolve(".codex/config.toml");
        Files.createDirectories(codex.getParent());
        String codexOriginal = "model = \"gpt-6-luna\"\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n";
        Files.writeString(codex, codexOriginal);

        Run setup = command(Map.of(), "setup", "--client", "cursor", "--client", "codex", "--write");

        assertEquals(0, setup.exitCode(), setup.stdout() + setup.stderr());
        assertTrue(setup.stdout().contains("registered as \"llm-cli-gateway\""), setup.stdout());
        JsonNode merged = Json.newMapper().readTree(cursor.toFile());
        assertEquals(
                "docker", merged.get("mcpServers").get("github").get("command").asText());
        assertEquals("dark", merged.get("theme").asText());
        JsonNode ours = merged.get("mcpServers").get("llm-cli-gateway");
        assertEquals(GatewayProcess.javaExecutable(), ours.get("command").asText());
        assertTrue(ours.get("args").toString().contains("\"" + jar + "\""), ours.toString());
        assertTrue(
                ours.get("args")
                        .toString()
                        .contains("-XX:SharedArchiveFile=" + archive().file()),
                ours.toString());
        String codexMerged = Files.readString(codex);
        assertTrue(codexMerged.startsWith(codexOriginal), codexMerged);
        assertTrue(codexMerged.contains(
                "[mcp_servers.llm-cli-gateway]\ncommand = \"" + GatewayProcess.javaExecutable() + "\""));
        assertEquals(List.of(cursorOriginal, codexOriginal), List.of(backupOf(cursor), backupOf(codex)));
        assertTrue(archive().status().fresh(), "setup prepared the start-up archive");
        assertEquals(
                "rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("startup-archive"))));
    }

    private static String backupOf(Path file) throws IOException {
        try (var siblings = Files.list(file.getParent())) {
            Path backup = siblings.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".bak-"))
                    .findFirst()
                    .orElseThrow();
            return Files.readString(backup);
        }
    }

    /** On a fresh data directory --print makes the archive it points at before printing the entry. */
    @Test
    void printShowsOneEntryAsJsonAndPreparesTheArchiveItNames() throws Exception {
        JsonNode entry = printedEntry("claude-code");
        assertTrue(
                entry.get("args")
                        .toString()
                        .contains("-XX:SharedArchiveFile=" + archive().file()),
                entry.toString());
        assertTrue(archive().status().fresh(), "--print made the archive it points at");
        assertEquals(GatewayProcess.javaExecutable(), entry.get("command").asText());
        List<String> args = new ArrayList<>();
        entry.get("args").forEach(a -> args.add(a.asText()));
        assertEquals(List.of("-jar", jar.toString()), args.subList(args.size() - 2, args.size()));
        assertTrue(args.indexOf("-Xlog:disable") < args.indexOf("-Xlog:all=warning:stderr"), args.toString());
        assertEquals(
                dataDir.toString(), entry.get("env").get("LLM_GATEWAY_HOME").asText());
        assertEquals(2, command(Map.of(), "setup", "--print").exitCode(), "--print needs one --client");
    }

    /** When the archive cannot be made, --print shows an entry that works without it and says so on stderr. */
    @Test
    void printFallsBackToAnEntryWithoutTheArchiveWhenItCannotBeMade() throws Exception {
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve(StartupArchive.DIRECTORY), "not a directory");
        Run print = command(Map.of(), "setup", "--print", "--client", "cursor");
        assertEquals(0, print.exitCode(), print.stderr());
        assertFalse(
                print.stdout().contains("SharedArchiveFile") || print.stdout().contains("AOTCache"), print.stdout());
        assertTrue(print.stderr().contains("starts without it"), print.stderr());
        Process process = launch(Json.newMapper().readTree(print.stdout()), List.of(), home.resolve("fallback.err"));
        try (StdioClient client = new StdioClient(process.getOutputStream(), process.getInputStream())) {
            assertEquals(
                    "llm-cli-gateway",
                    client.initialize()
                            .get("result")
                            .get("serverInfo")
                            .get("name")
                            .asText());
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    /** A machine with none of the hosts: --client all --write creates no config file, ~/.claude.json included. */
    @Test
    void setupAllWriteSkipsHostsThatAreNotInstalled() throws Exception {
        Path emptyBin = Files.createDirectories(home.resolve("empty-bin"));
        Run setup = command(Map.of("PATH", emptyBin.toString()), "setup", "--client", "all", "--write");
        assertEquals(0, setup.exitCode(), setup.stdout() + setup.stderr());
        assertFalse(Files.exists(home.resolve(".claude.json")), setup.stdout());
        for (String dir : List.of(".cursor", ".codex", ".gemini", ".config")) {
            assertFalse(Files.exists(home.resolve(dir)), dir + " created: " + setup.stdout());
        }
        assertEquals(5, setup.stdout().split("does not look installed", -1).length - 1, setup.stdout());

        Files.createDirectories(home.resolve(".gemini"));
        Run gemini = command(Map.of("PATH", emptyBin.toString()), "setup", "--client", "all", "--write");
        assertEquals(0, gemini.exitCode(), gemini.stdout() + gemini.stderr());
        assertTrue(Files.isRegularFile(home.resolve(".gemini/settings.json")), gemini.stdout());
        assertFalse(Files.exists(home.resolve(".claude.json")), gemini.stdout());
    }

    @Test
    void theArchiveIsUsedWhenFreshIgnoredQuietlyWhenStaleAndThenRemade() throws Exception {
        Run setup = command(Map.of(), "setup", "--client", "cursor");
        assertEquals(0, setup.exitCode(), setup.stderr());
        JsonNode entry = printedEntry("cursor");

        String fresh = initializeAndReadClassLog(entry, home.resolve("fresh.log"), home.resolve("fresh.err"));
        assertTrue(fresh.contains("io.llmgateway.Main source: shared objects file (top)"), "fresh archive not used");

        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        assertFalse(archive().status().fresh());
        Path staleErr = home.resolve("stale.err");
        String stale = initializeAndReadClassLog(entry, home.resolve("stale.log"), staleErr);
        assertTrue(stale.contains("io.llmgateway.Main source: file:"), "a stale archive must not be used");
        assertTrue(
                Files.readString(staleErr).contains("[cds"),
                "the JVM's complaint goes to stderr: " + Files.readString(staleErr));

        // A gateway launched with the archive flag remakes a stale archive in the background.
        Process running = launch(entry, List.of(), home.resolve("upkeep.err"));
        try (StdioClient client = new StdioClient(running.getOutputStream(), running.getInputStream())) {
            client.initialize();
            Awaitility.await("the archive remade")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> archive().status().fresh());
        } finally {
            running.destroyForcibly().waitFor();
        }
        String remade = initializeAndReadClassLog(entry, home.resolve("remade.log"), home.resolve("remade.err"));
        assertTrue(remade.contains("io.llmgateway.Main source: shared objects file (top)"), "remade archive not used");
    }

    /** The JVM compares only size and time; the stamp's content hash catches a jar changed in place. */
    @Test
    void aJarWithTheSameSizeAndTimeButOtherBytesMakesTheArchiveStale() throws Exception {
        assertEquals(0, command(Map.of(), "setup", "--client", "cursor").exitCode());
        assertTrue(archive().status().fresh());
        FileTime time = Files.getLastModifiedTime(jar);
        long offset;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("META-INF/MANIFEST.MF");
            offset = 30 + entry.getName().length() + localHeaderOffset(zip, entry);
        }
        try (RandomAccessFile file = new RandomAccessFile(jar.toFile(), "rw")) {
            file.seek(offset);
            int b = file.read();
            file.seek(offset);
            file.write(b ^ 0x01);
        }
        Files.setLastModifiedTime(jar, time);
        StartupArchive.ArchiveStatus status = archive().status();
        assertFalse(status.fresh());
        assertTrue(status.detail().contains("the jar changed"), status.detail());
    }

    /** Where an entry's local header starts: found by scanning for its signature followed by its name. */
    private static long localHeaderOffset(ZipFile zip, ZipEntry entry) throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of(zip.getName()));
        byte[] name = entry.getName().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 30 + name.length < bytes.length; i++) {
            if (bytes[i] == 0x50
                    && bytes[i + 1] == 0x4b
                    && bytes[i + 2] == 3
                    && bytes[i + 3] == 4
                    && java.util.Arrays.equals(bytes, i + 30, i + 30 + name.length, name, 0, name.length)) {
                int extra = (bytes[i + 28] & 0xff) | (bytes[i + 29] & 0xff) << 8;
                return i + extra;
            }
        }
        throw new AssertionError("no local header for " + entry.getName());
    }

    @Test
    void doctorExitsZeroOnlyWhenHealthy() throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path claude = bin.resolve("claude");
        Files.writeString(
                claude,
                "#!/bin/bash\ncase \"$1\" in\n  --version) echo '2.1.197 (Claude Code)' ;;\n"
                        + "  auth) echo '{\"loggedIn\": true, \"authMethod\": \"api_key\"}' ;;\nesac\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = new HashMap<>(Map.of("PATH", bin.toString()));

        Run healthy = command(env, "doctor");
        assertEquals(0, healthy.exitCode(), healthy.stdout());
        assertTrue(healthy.stdout().contains("start-up archive"), healthy.stdout());

        Files.writeString(dataDir, "not a directory");
        Run broken = command(env, "doctor", "--json");
        assertEquals(1, broken.exitCode(), broken.stdout());
        JsonNode report = Json.newMapper().readTree(broken.stdout());
        assertFalse(report.get("healthy").asBoolean());
        assertTrue(report.get("checks").toString().contains("exists but is not a directory"), broken.stdout());
    }
}
