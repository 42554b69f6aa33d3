package io.llmgateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registering the gateway in host config files: other content survives, a backup is kept, odd files are refused. */
class HostConfigFileTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private static final ServerEntry ENTRY = new ServerEntry(
            "/opt/java/bin/java",
            List.of("-Xshare:auto", "-jar", "/opt/gw/llm-cli-gateway.jar"),
            Map.of("LLM_GATEWAY_HOME", "/data/gw"),
            List.of("ANTHROPIC_API_KEY", "OPENAI_BASE_URL"));

    @TempDir
    Path dir;

    @Test
    void mergesIntoAJsonConfigKeepingOtherServersAndSettingsAndBacksItUp() throws IOException {
        Path file = dir.resolve("claude_desktop_config.json");
        String original =
                "{\n  \"globalShortcut\": \"Ctrl+Space\",\n  \"mcpServers\": {\n    \"files\": {\"command\": \"npx\", "
                        + "\"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/home/u\"]}\n  }\n}\n";
        Files.writeString(file, original);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        HostConfigFile.Written written = new HostConfigFile(HostClient.CLAUDE_DESKTOP, file, CLOCK).register(ENTRY);

        JsonNode merged = Json.newMapper().readTree(file.toFile());
        assertEquals("Ctrl+Space", merged.get("globalShortcut").asText());
        assertEquals("npx", merged.get("mcpServers").get("files").get("command").asText());
        JsonNode ours = merged.get("mcpServers").get("llm-cli-gateway");
        assertEquals("/opt/java/bin/java", ours.get("command").asText());
        assertEquals("/opt/gw/llm-cli-gateway.jar", ours.get("args").get(2).asText());
        assertEquals("/data/gw", ours.get("env").get("LLM_GATEWAY_HOME").asText());
        assertFalse(ours.has("type"), "Claude Desktop entries carry no type");
        Path backup = written.backup().orElseThrow();
        assertEquals(
                "claude_desktop_config.json.bak-20261122T100000Z",
                backup.getFileName().toString());
        assertEquals(original, Files.readString(backup));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void replacesAnEarlierEntryAndKeepsEveryBackup() throws IOException {
        Path file = dir.resolve(".claude.json");
        Files.writeString(
                file,
                "{\"mcpServers\":{\"llm-cli-gateway\":{\"command\":\"old\"},\"other\":{\"command\":\"x\"}},\"userID\":\"u1\"}");
        HostConfigFile config = new HostConfigFile(HostClient.CLAUDE_CODE, file, CLOCK);

        Path first = config.register(ENTRY).backup().orElseThrow();
        Path second = config.register(ENTRY).backup().orElseThrow();

        JsonNode merged = Json.newMapper().readTree(file.toFile());
        assertEquals(
                "stdio",
                merged.get("mcpServers").get("llm-cli-gateway").get("type").asText());
        assertEquals(
                "/opt/java/bin/java",
                merged.get("mcpServers").get("llm-cli-gateway").get("command").asText());
        assertEquals("x", merged.get("mcpServers").get("other").get("command").asText());
        assertEquals("u1", merged.get("userID").asText());
        assertTrue(Files.readString(first).contains("\"old\""));
        assertFalse(first.equals(second));
        assertTrue(Files.exists(second));
    }

    @Test
    void createsAMissingConfigWithItsDirectory() throws IOException {
        Path file = dir.resolve("fresh/.cursor/mcp.json");
        HostConfigFile.Written written = new HostConfigFile(HostClient.CURSOR, file, CLOCK).register(ENTRY);
        assertTrue(written.backup().isEmpty());
        assertEquals(
                "/opt/java/bin/java",
                Json.newMapper()
                        .readTree(file.toFile())
                        .get("mcpServers")
                        .get("llm-cli-gateway")
                        .get("command")
                        .asText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    /** Registers into a file holding {@code content}, expecting a refusal that leaves the directory as it was. */
    private String refusal(HostClient client, String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        IOException e = assertThrows(IOException.class, () -> new HostConfigFile(client, file, CLOCK).register(ENTRY));
        assertEquals(content, Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no backup or temp file left behind");
        }
        return e.getMessage();
    }

    @Test
    void refusesToRewriteAJsonFileItCannotParseAndLeavesItUntouched() throws IOException {
        String message = refusal(HostClient.CURSOR, "mcp.json", "{ \"mcpServers\": { // a comment\n } }");
        assertTrue(message.contains("not valid JSON"), message);
    }

    @Test
    void refusesAnMcpServersThatIsNotAnObject() throws IOException {
        String message = refusal(HostClient.CURSOR, "mcp.json", "{\"mcpServers\": []}");
        assertTrue(message.contains("\"mcpServers\" is not an object"), message);
    }

    @Test
    void appendsToACodexConfigKeepingEveryLine() throws IOException {
        Path file = dir.resolve("config.toml");
        String original =
                "model = \"gpt-6.1-sol\"\n\n[mcp_servers.files]\ncommand = \"npx\"\nargs = [\"-y\", \"fs\"]\n";
        Files.writeString(file, original);

        new HostConfigFile(HostClient.CODEX, file, CLOCK).register(ENTRY);

        String merged = Files.readString(file);
        assertTrue(merged.startsWith(original), merged);
        assertTrue(
                merged.contains("\n[mcp_servers.llm-cli-gateway]\ncommand = \"/opt/java/bin/java\"\n"
                        + "args = [\"-Xshare:auto\", \"-jar\", \"/opt/gw/llm-cli-gateway.jar\"]\n"
                        + "env_vars = [\"ANTHROPIC_API_KEY\", \"OPENAI_BASE_URL\"]\n"
                        + "default_tools_approval_mode = \"approve\"\n"
                        + "startup_readiness = \"catalog\"\n\n"
                        + "[mcp_servers.llm-cli-gateway.env]\nLLM_GATEWAY_HOME = \"/data/gw\"\n"),
                merged);
    }

    /** Gemini drops secret-looking variables unless the entry names them; it expands $NAME from its own environment. */
    @Test
    void aGeminiEntryNamesTheForwardedVariablesWithoutValues() throws IOException {
        Path file = dir.resolve(".gemini/settings.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"security\":{\"auth\":{\"selectedType\":\"gemini-api-key\"}}}");

        new HostConfigFile(HostClient.GEMINI, file, CLOCK).register(ENTRY);

        JsonNode merged = Json.newMapper().readTree(file.toFile());
        assertEquals(
                "gemini-api-key",
                merged.get("security").get("auth").get("selectedType").asText());
        JsonNode ours = merged.get("mcpServers").get("llm-cli-gateway");
        assertEquals("/opt/java/bin/java", ours.get("command").asText());
        assertEquals(
                Map.of(
                        "LLM_GATEWAY_HOME",
                        "/data/gw",
                        "ANTHROPIC_API_KEY",
                        "$ANTHROPIC_API_KEY",
                        "OPENAI_BASE_URL",
                        "$OPENAI_BASE_URL"),
                Json.newMapper().convertValue(ours.get("env"), Map.class));
        assertFalse(ours.has("trust"), "trust is the user's decision");
    }

    @Test
    void claudeCodeCountsAsInstalledOnlyWithItsFilesOrCommandNotBecauseHomeExists() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Map<String, String> env = Map.of("HOME", home.toString(), "PATH", bin.toString());
        for (HostClient client : HostClient.values()) {
            assertFalse(client.installed(env, "Linux"), client + " on an empty HOME");
        }
        Files.createDirectories(home.resolve(".claude"));
        assertTrue(HostClient.CLAUDE_CODE.installed(env, "Linux"));
        Files.createDirectories(home.resolve(".gemini"));
        assertTrue(HostClient.GEMINI.installed(env, "Linux"));
        Path codex = Files.writeString(bin.resolve("codex"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(codex, PosixFilePermissions.fromString("rwx------"));
        assertTrue(HostClient.CODEX.installed(env, "Linux"), "codex on PATH");
        assertFalse(HostClient.CURSOR.installed(env, "Linux"));
    }

    @Test
    void replacesTheCodexTableAndItsEnvSubTableInPlace() throws IOException {
        Path file = dir.resolve("config.toml");
        Files.writeString(
                file,
                "model = \"o3\"\n\n[mcp_servers.llm-cli-gateway]\ncommand = \"old\"\n"
                        + "args = [\"a\"]\n\n[mcp_servers.llm-cli-gateway.env]\nX = \"1\"\n\n[profiles.fast]\nmodel = \"gpt-6-luna\"\n");

        new HostConfigFile(HostClient.CODEX, file, CLOCK).register(ENTRY);

        String merged = Files.readString(file);
        assertFalse(merged.contains("old"), merged);
        assertFalse(merged.contains("X = \"1\""), merged);
        assertEquals(1, merged.split("\\[mcp_servers\\.llm-cli-gateway\\]", -1).length - 1, merged);
        assertTrue(merged.indexOf("[mcp_servers.llm-cli-gateway]") < merged.indexOf("[profiles.fast]"), merged);
        assertTrue(merged.contains("[profiles.fast]\nmodel = \"gpt-6-luna\""), merged);
    }

    @Test
    void aTableHeaderInsideAMultiLineStringIsText() throws IOException {
        Path file = dir.resolve("config.toml");
        String original = "notes = \"\"\"\n[mcp_servers.llm-cli-gateway]\n\"\"\"\n";
        Files.writeString(file, original);
        new HostConfigFile(HostClient.CODEX, file, CLOCK).register(ENTRY);
        assertTrue(Files.readString(file).startsWith(original), Files.readString(file));
    }

    @Test
    void refusesACodexServerDefinedAsAnInlineTable() throws IOException {
        String message =
                refusal(HostClient.CODEX, "config.toml", "[mcp_servers]\nllm-cli-gateway = { command = \"java\" }\n");
        assertTrue(message.contains("inline table"), message);
    }

    @Test
    void escapesTomlStrings() {
        assertEquals(
                "\"C:\\\\Program Files\\\\Java\\\\bin\\\\java.exe\"",
                HostConfigMerge.tomlString("C:\\Program Files\\Java\\bin\\java.exe"));
        assertEquals("\"say \\\"hi\\\"\\n\"", HostConfigMerge.tomlString("say \"hi\"\n"));
    }

    @Test
    void configFilesFollowHomeAndTheHostsOwnVariables() {
        Map<String, String> env =
                Map.of("HOME", "/home/u", "CODEX_HOME", "/etc/codex", "APPDATA", "C:\\Users\\u\\AppData\\Roaming");
        assertEquals(
                Path.of("/home/u/Library/Application Support/Claude/claude_desktop_config.json"),
                HostClient.CLAUDE_DESKTOP.configFile(env, "Mac OS X"));
        assertEquals(
                Path.of("/home/u/.config/Claude/claude_desktop_config.json"),
                HostClient.CLAUDE_DESKTOP.configFile(env, "Linux"));
        assertEquals(Path.of("/home/u/.cursor/mcp.json"), HostClient.CURSOR.configFile(env, "Linux"));
        assertEquals(Path.of("/home/u/.claude.json"), HostClient.CLAUDE_CODE.configFile(env, "Linux"));
        assertEquals(Path.of("/etc/codex/config.toml"), HostClient.CODEX.configFile(env, "Linux"));
        assertEquals(Path.of("/home/u/.gemini/settings.json"), HostClient.GEMINI.configFile(env, "Linux"));
    }
}
