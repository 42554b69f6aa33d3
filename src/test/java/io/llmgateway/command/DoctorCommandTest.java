package io.llmgateway.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.ops.Doctor;
import io.llmgateway.ops.ProviderProber;
import io.llmgateway.provider.cli.ProviderRegistry;
import io.llmgateway.support.SpecialFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor's verdicts, messages and exit codes for the usual ways a set-up goes wrong. */
class DoctorCommandTest {
    @TempDir
    Path root;

    private Path bin;
    private Path dataDir;
    private final Map<String, String> env = new HashMap<>();
    private final RunGroup probes = new RunGroup();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void healthySetUp() throws IOException {
        bin = Files.createDirectory(root.resolve("bin"));
        dataDir = root.resolve("data");
        Files.createDirectory(
                dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path claude = bin.resolve("claude");
        Files.writeString(
                claude,
                "#!/bin/bash\ncase \"$1\" in\n  --version) echo '2.1.197 (Claude Code)' ;;\n"
                        + "  auth) echo '{\"loggedIn\": true, \"authMethod\": \"api_key\"}' ;;\nesac\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        env.put("PATH", bin.toString());
        env.put("HOME", root.toString());
        env.put("LLM_GATEWAY_HOME", dataDir.toString());
    }

    @AfterEach
    void closeRunner() {
        probes.close();
    }

    private int doctor(String... args) {
        ProviderRegistry registry = ProviderRegistry.standard();
        Doctor doctor = new Doctor(
                env,
                dataDir,
                registry,
                new ProviderProber(registry, probes, env, Duration.ofSeconds(20)),
                Optional.empty(),
                Clock.systemUTC());
        return new DoctorCommand(doctor, "9.9.9")
                .run(
                        List.of(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The output with runs of blanks collapsed: column widths depend on the longest area name. */
    private String output() {
        return out.toString(StandardCharsets.UTF_8).replaceAll("[ \\t]+", " ");
    }

    @Test
    void aHealthySetUpExitsZero() {
        assertEquals(0, doctor(), output());
        assertTrue(output().contains("ok claude"), output());
        assertTrue(output().contains("2.1.197"), output());
        assertTrue(output().contains("logged in (api_key)"), output());
        assertTrue(output().contains("Healthy: no problems found."), output());
        assertFalse(output().contains("PROBLEM"), output());
    }

    @Test
    void aDataDirectoryThatIsAFileIsAProblemWithAFix() throws IOException {
        Files.delete(dataDir);
        Files.writeString(dataDir, "oops");
        assertEquals(1, doctor());
        assertTrue(output().contains("PROBLEM data directory " + dataDir + " exists but is not a directory"), output());
        assertTrue(output().contains("fix: move it aside: mv '" + dataDir + "' '" + dataDir + ".old'"), output());
    }

    @Test
    void aDataDirectoryOthersCanReadIsAProblem() throws IOException {
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dataDir.resolve("sessions.json"), "{}");
        Files.setPosixFilePermissions(dataDir.resolve("sessions.json"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(1, doctor());
        assertTrue(output().contains("is readable by other users"), output());
        assertTrue(output().contains("fix: chmod 700 '" + dataDir + "'"), output());
        assertTrue(output().contains("1 file(s) readable by other users"), output());
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsAProblem() throws IOException {
        Path blocker = root.resolve("blocker");
        Files.writeString(blocker, "");
        dataDir = blocker.resolve("data");
        env.put("LLM_GATEWAY_HOME", dataDir.toString());
        assertEquals(1, doctor());
        assertTrue(output().contains("does not exist and cannot be created"), output());
    }

    @Test
    void aLinkInTheDataDirectoryIsAProblemNamingIt() throws IOException {
        Path link = dataDir.resolve("audit.jsonl");
        Files.createSymbolicLink(link, root.resolve("elsewhere"));
        assertEquals(1, doctor());
        assertTrue(output().contains("1 symbolic link(s) in the data directory, e.g. " + link), output());
        assertTrue(output().contains("-type l -delete"), output());
    }

    @Test
    void aDataDirectoryThatIsALinkIsAProblem() throws IOException {
        Path real = Files.createDirectory(root.resolve("real-data"));
        Path link = root.resolve("linked-data");
        Files.createSymbolicLink(link, real);
        dataDir = link;
        assertEquals(1, doctor());
        assertTrue(output().contains("PROBLEM data directory " + link + ": is a symbolic link to " + real), output());
    }

    @Test
    void aQuarantinedStoreFileIsReported() throws IOException {
        Files.writeString(dataDir.resolve("sessions.json.corrupt-20261122T100000Z"), "garbage");
        assertEquals(1, doctor());
        assertTrue(output().contains("1 damaged file(s) were moved aside"), output());
        assertTrue(output().contains("-name '*.corrupt-*' -delete"), output());
    }

    @Test
    void aBadPolicyIsAProblemNamingTheFileAndHowToRecheckIt() throws IOException {
        Path policy = dataDir.resolve("policy.json");
        Files.writeString(policy, "{\"version\":\"1\",\"default\":\"maybe\"}");
        assertEquals(1, doctor());
        assertTrue(output().contains("PROBLEM policy"), output());
        assertTrue(output().contains("the gateway refuses to start"), output());
        assertTrue(output().contains("--check-policy " + policy), output());
    }

    @Test
    void aPolicyThatIsAFifoIsAProblemAndIsNotWaitedFor() throws Exception {
        Path policy = SpecialFiles.fifo(dataDir.resolve("policy.json"));
        assertEquals(1, assertTimeoutPreemptively(Duration.ofSeconds(60), () -> doctor()));
        assertTrue(
                output().contains("PROBLEM policy policy.json is a FIFO (named pipe), not a regular file"), output());
        assertTrue(output().contains("a running gateway keeps its last good policy"), output());
        assertTrue(output().contains("--check-policy " + policy), output());
    }

    @Test
    void aPolicyVariableNamingAMissingFileIsAProblem() {
        env.put("LLM_GATEWAY_POLICY", root.resolve("nope.json").toString());
        assertEquals(1, doctor());
        assertTrue(output().contains("does not exist, but LLM_GATEWAY_POLICY names it"), output());
    }

    @Test
    void noProviderCliAtAllIsAProblem() throws IOException {
        Files.delete(bin.resolve("claude"));
        assertEquals(1, doctor());
        assertTrue(output().contains("info claude not installed (no `claude` on PATH)"), output());
        assertTrue(output().contains("PROBLEM providers no provider CLI was found on PATH"), output());
        assertTrue(output().contains("fix: install at least one"), output());
    }

    @Test
    void aCliThatIsNotLoggedInIsAProblemWithItsLoginCommand() throws IOException {
        Files.writeString(
                bin.resolve("claude"),
                "#!/bin/bash\ncase \"$1\" in\n  --version) echo '2.1.197 (Claude Code)' ;;\n"
                        + "  auth) echo '{\"loggedIn\": false}'; exit 1 ;;\nesac\n");
        assertEquals(1, doctor());
        assertTrue(output().contains("PROBLEM claude"), output());
        assertTrue(output().contains("fix: run `claude auth login`, or set ANTHROPIC_API_KEY"), output());
    }

    @Test
    void aBadSettingIsAProblemNamingTheVariable() {
        env.put("LLM_GATEWAY_SESSION_TTL_DAYS", "thirty");
        assertEquals(1, doctor());
        assertTrue(output().contains("LLM_GATEWAY_SESSION_TTL_DAYS must be an integer, got 'thirty'"), output());
    }

    @Test
    void jsonOutputHasEveryCheckAndTheVerdict() throws IOException {
        Files.delete(bin.resolve("claude"));
        assertEquals(1, doctor("--json"));
        JsonNode report = Json.newMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertFalse(report.get("healthy").asBoolean());
        assertEquals("9.9.9", report.get("version").asText());
        JsonNode providers = null;
        for (JsonNode check : report.get("checks")) {
            assertTrue(List.of("ok", "info", "problem")
                    .contains(check.get("status").asText()));
            if (check.get("area").asText().equals("providers")) {
                providers = check;
            }
        }
        assertEquals("problem", providers.get("status").asText());
        assertTrue(providers.get("fix").asText().startsWith("install at least one"));
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertEquals(2, doctor("--frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '--frobnicate'"));
    }
}
