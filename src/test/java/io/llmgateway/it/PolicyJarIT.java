package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.SpecialFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy across real gateway processes: shared counters, restarts, refusing a bad file, audit hygiene. */
class PolicyJarIT {
    private static final String SECRET = "sk-live-abc123-do-not-log";

    @TempDir
    Path dataDir;

    private void writePolicy(int maxPerHour) throws Exception {
        Files.writeString(
                dataDir.resolve("policy.json"),
                "{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_create\":"
                        + "{\"limits\":[{\"counter\":\"creates\",\"window\":\"hour\",\"max\":" + maxPerHour
                        + ",\"scope\":\"grant\"}]}}}");
    }

    private static boolean create(GatewayProcess gw) {
        return !gw.client
                .callTool("session_create", Map.of("cli", "claude", "description", SECRET))
                .get("isError")
                .asBoolean();
    }

    @Test
    void twoGatewaysShareOneLimitAndARestartKeepsTheCount() throws Exception {
        writePolicy(5);
        int allowed = 0;
        try (GatewayProcess a = GatewayProcess.start(dataDir, Map.of());
                GatewayProcess b = GatewayProcess.start(dataDir, Map.of())) {
            a.client.initialize();
            b.client.initialize();
            for (int i = 0; i < 4; i++) {
                allowed += create(a) ? 1 : 0;
                allowed += create(b) ? 1 : 0;
            }
        }
        assertEquals(5, allowed, "5 per hour in total across both processes, not 5 each");
        try (GatewayProcess restarted = GatewayProcess.start(dataDir, Map.of())) {
            restarted.client.initialize();
            assertFalse(create(restarted), "the counter survived the restart");
        }
        String audit = Files.readString(dataDir.resolve("audit.jsonl"));
        assertTrue(audit.lines().count() >= 9, audit);
        assertFalse(audit.contains(SECRET), "audit lines carry argument keys and hashes, never values");
        assertTrue(audit.contains("description"));
    }

    @Test
    void invalidPolicyRefusesToStartAndCheckPolicyNamesTheProblem() throws Exception {
        Path bad = dataDir.resolve("policy.json");
        Files.writeString(bad, "{\n  \"version\": \"1\",\n  \"default\": \"maybe\"\n}\n");
        try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of())) {
            assertTrue(gw.process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(2, gw.process.exitValue());
            assertTrue(gw.stderr().contains("line 3"), gw.stderr());
            assertTrue(gw.client.nonJsonRpcLines().isEmpty());
        }
        Process check = new ProcessBuilder(
                        GatewayProcess.javaExecutable(),
                        "-jar",
                        GatewayProcess.jar().toString(),
                        "--check-policy",
                        bad.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, check.exitValue(), out);
        assertTrue(out.contains("default"), out);
        Files.copy(Path.of("docs/policy.example.json"), bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Process ok = new ProcessBuilder(
                        GatewayProcess.javaExecutable(),
                        "-jar",
                        GatewayProcess.jar().toString(),
                        "--check-policy",
                        bad.toString())
                .redirectErrorStream(true)
                .start();
        String okOut = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ok.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, ok.exitValue(), okOut);
    }

    @Test
    void aPolicyThatIsAFifoRefusesToStartAtOnceAndCheckPolicySaysWhy() throws Exception {
        Path fifo = SpecialFiles.fifo(dataDir.resolve("policy.json"));
        try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of())) {
            gw.client.send(
                    "initialize",
                    Map.of(
                            "protocolVersion",
                            "2025-06-18",
                            "capabilities",
                            Map.of(),
                            "clientInfo",
                            Map.of("name", "test", "version", "1")));
            assertTrue(
                    gw.process.waitFor(20, TimeUnit.SECONDS),
                    "waiting for a writer instead of refusing: " + gw.stderr());
            assertEquals(2, gw.process.exitValue());
            assertTrue(
                    gw.stderr().contains("refusing to start: policy.json is a FIFO (named pipe), not a regular file"),
                    gw.stderr());
            assertTrue(gw.client.drain().isEmpty(), "nothing on stdout");
            assertTrue(gw.client.nonJsonRpcLines().isEmpty());
        }
        Process check = new ProcessBuilder(
                        GatewayProcess.javaExecutable(),
                        "-jar",
                        GatewayProcess.jar().toString(),
                        "--check-policy",
                        fifo.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(check.waitFor(20, TimeUnit.SECONDS), "--check-policy waits for a writer");
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, check.exitValue(), out);
        assertTrue(out.contains("policy.json is a FIFO (named pipe), not a regular file"), out);
    }

    @Test
    void aForgedCounterIsRefusedAndWarnedAboutOnceOnStderr() throws Exception {
        writePolicy(5);
        long hour = Instant.now().getEpochSecond() / 3600 * 3600;
        // This hour's and the next, in case the hour turns during the test.
        Files.writeString(
                dataDir.resolve("policy-counters.json"),
                "{\"version\":1,\"counters\":{\"creates@local/3600/" + hour + "\":-1000000,\"creates@local/3600/"
                        + (hour + 3600) + "\":-1000000}}");
        try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of())) {
            gw.client.initialize();
            for (int i = 0; i < 3; i++) {
                assertFalse(create(gw), "call " + (i + 1) + " was let through by a forged count");
            }
            String stderr = gw.stderr();
            long warnings = stderr.lines()
                    .filter(line -> line.contains("creates@local/3600/" + hour))
                    .count();
            assertEquals(1, warnings, stderr);
            assertTrue(stderr.contains("-1000000"), stderr);
        }
    }
}
