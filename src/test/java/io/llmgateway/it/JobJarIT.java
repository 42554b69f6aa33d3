package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GatewayProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Durable jobs across gateway processes, with the shaded jar: a job outlives its gateway (kill -9 and
 * clean EOF) and the next gateway finishes it, and so does a deferred sync request; a job (or deferred
 * request) killed while no gateway ran is orphaned; two gateways share jobs. Claude is the fake claude behind slow-cli (prompt words SLOW=, LINES=).
 */
class JobJarIT {
    private static final long WAIT_MILLIS = 60_000;

    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path work;

    private final Map<String, String> env = new HashMap<>();
    private final List<GatewayProcess> gateways = new ArrayList<>();

    @BeforeEach
    void environment() throws Exception {
        env.putAll(FakeClis.in(state).environmentWithSlowClaude());
        env.put("LLM_GATEWAY_JOB_WATCH_MS", "100");
    }

    @AfterEach
    void cleanUp() throws IOException {
        gateways.forEach(GatewayProcess::close);
        List<Long> left = jobProcesses().stream()
                .filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid)
                .toList();
        jobProcesses().forEach(ProcessHandle::destroyForcibly);
        assertEquals(List.of(), left, "no job process may outlive a test");
    }

    private GatewayProcess gateway() throws IOException {
        GatewayProcess gw = GatewayProcess.start(dataDir, env);
        gateways.add(gw);
        gw.client.initialize();
        return gw;
    }

    private static JsonNode call(GatewayProcess gw, String tool, Map<String, ?> arguments) {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(false), tool + " failed: " + result);
        return result.get("structuredContent");
    }

    private static JsonNode await(GatewayProcess gw, String jobId, String status) {
        return Awaitility.await("job " + jobId + " " + status)
                .atMost(Duration.ofMillis(WAIT_MILLIS))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> call(gw, "llm_job_status", Map.of("jobId", jobId)),
                        job -> job.get("status").asText().equals(status));
    }

    private static void killDashNine(GatewayProcess gw) throws InterruptedException {
        gw.process.destroyForcibly(); // the gateway only: its jobs' supervisors run in sessions of their own
        gw.process.waitFor();
    }

    private Path jobDir(String jobId) {
        return dataDir.resolve("jobs").resolve(jobId);
    }

    /** The supervisor and CLI of every job that still run, with their descendants. */
    private List<ProcessHandle> jobProcesses() throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        Path jobs = dataDir.resolve("jobs");
        if (!Files.isDirectory(jobs)) {
            return found;
        }
        try (Stream<Path> dirs = Files.list(jobs)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                supervisor(dir).ifPresent(h -> addTree(found, h));
                cli(dir).ifPresent(h -> addTree(found, h));
            }
        }
        return found;
    }

    private static void addTree(List<ProcessHandle> found, ProcessHandle root) {
        found.add(root);
        root.descendants().forEach(found::add);
    }

    /** The job's supervisor if it still runs (its command line names the job directory). */
    private static Optional<ProcessHandle> supervisor(Path dir) throws IOException {
        if (!Files.exists(dir.resolve("job.json"))) {
            return Optional.empty(); // a sync request's run directory
        }
        JsonNode runner =
                Json.newMapper().readTree(dir.resolve("job.json").toFile()).path("runner");
        if (!runner.has("pid")) {
            return Optional.empty();
        }
        return ProcessHandle.of(runner.get("pid").asLong())
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().orElse("").contains(dir.toString()));
    }

    private static Optional<ProcessHandle> cli(Path dir) throws IOException {
        Path pidFile = dir.resolve("cli.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String[] fields = Files.readString(pidFile).trim().split(" ");
        long start = Long.parseLong(fields[1]);
        return ProcessHandle.of(Long.parseLong(fields[0]))
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info()
                        .startInstant()
                        .map(i -> Math.abs(i.toEpochMilli() - start) < 1000)
                        .orElse(false));
    }

    private static void assertCompletedWithFullOutput(GatewayProcess gw, String jobId, String sessionId, String words) {
        JsonNode result = call(gw, "llm_job_result", Map.of("jobId", jobId));
        JsonNode reply = result.get("result");
        assertTrue(reply.get("response").asText().contains(words), reply.toString());
        assertEquals(sessionId, reply.get("sessionId").asText());
        String nativeId = reply.get("nativeSessionId").asText();
        assertFalse(nativeId.isBlank());
        String output = result.get("output").get("text").asText();
        assertTrue(output.contains("warming up 0") && output.contains("\"type\":\"result\""), output);
        assertEquals(
                nativeId,
                call(gw, "session_get", Map.of("sessionId", sessionId))
                        .get("session")
                        .get("nativeSessionId")
                        .asText(),
                "the session's native id is recorded by the gateway that finished the job");
    }

    /** How the gateway that started a job goes away. */
    enum GatewayEnd {
        KILL_DASH_NINE,
        CLEAN_EOF
    }

    @ParameterizedTest
    @EnumSource(GatewayEnd.class)
    void aJobOutlivesItsGatewayAndTheNextGatewayFinishesIt(GatewayEnd end) throws Exception {
        GatewayProcess first = gateway();
        String words = "survive " + end;
        JsonNode submitted =
                call(first, "claude_request_async", Map.of("prompt", "SLOW=5 " + words, "workingDir", work.toString()));
        String jobId = submitted.get("jobId").asText();
        if (end == GatewayEnd.KILL_DASH_NINE) {
            killDashNine(first);
        } else {
            first.client.closeInput();
            assertEquals(0, first.process.waitFor());
        }
        assertTrue(supervisor(jobDir(jobId)).isPresent(), "the job outlives its gateway");

        GatewayProcess second = gateway();
        await(second, jobId, "completed");
        assertCompletedWithFullOutput(second, jobId, submitted.get("sessionId").asText(), words);
    }

    @Test
    void aJobKilledWhileNoGatewayRanIsOrphanedWithTheOutputItProduced() throws Exception {
        GatewayProcess first = gateway();
        String jobId = call(first, "claude_request_async", Map.of("prompt", "SLOW=60 LINES=3 doomed"))
                .get("jobId")
                .asText();
        assertFalse(orphanedOnceEverythingIsKilled(first, jobId).get("deferred").asBoolean());
    }

    /**
     * Once the job (started by {@code first}, printing "warming up 0..2" then sleeping) has printed: kills the
     * gateway, then the job's processes while no gateway runs; a new gateway must report it orphaned with its
     * output. Returns its status.
     */
    private JsonNode orphanedOnceEverythingIsKilled(GatewayProcess first, String jobId) throws Exception {
        Awaitility.await("the job printed")
                .atMost(Duration.ofMillis(WAIT_MILLIS))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> call(first, "llm_job_status", Map.of("jobId", jobId))
                                .get("stdoutBytes")
                                .asLong()
                        > 0);
        killDashNine(first);
        List<ProcessHandle> processes = jobProcesses();
        assertFalse(processes.isEmpty());
        processes.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : processes) {
            p.onExit().get();
        }

        GatewayProcess second = gateway();
        JsonNode orphaned = await(second, jobId, "orphaned");
        assertTrue(orphaned.get("exitCode").isNull());
        JsonNode result = call(second, "llm_job_result", Map.of("jobId", jobId));
        assertEquals("job_orphaned", result.get("error").get("errorCode").asText());
        assertTrue(result.get("output").get("text").asText().contains("warming up 2"));
        return orphaned;
    }

    @Test
    void oneGatewayStartsAJobAndAnotherReportsAndCancelsIt() throws Exception {
        GatewayProcess first = gateway();
        GatewayProcess second = gateway();
        String jobId = call(first, "claude_request_async", Map.of("prompt", "SLOW=60 shared"))
                .get("jobId")
                .asText();
        assertEquals(
                "running",
                call(second, "llm_job_status", Map.of("jobId", jobId))
                        .get("status")
                        .asText());
        assertEquals(
                1,
                call(second, "llm_job_list", Map.of("status", "running"))
                        .get("total")
                        .asInt());
        List<ProcessHandle> processes = jobProcesses();
        JsonNode cancelled = call(second, "llm_job_cancel", Map.of("jobId", jobId));
        assertEquals("canceled", cancelled.get("status").asText());
        assertEquals(
                "canceled",
                call(first, "llm_job_status", Map.of("jobId", jobId))
                        .get("status")
                        .asText());
        for (ProcessHandle p : processes) {
            p.onExit().get();
        }
    }

    @ParameterizedTest
    @EnumSource(GatewayEnd.class)
    void aDeferredRequestOutlivesItsGatewayAndTheNextGatewayFinishesIt(GatewayEnd end) throws Exception {
        env.put("LLM_GATEWAY_SYNC_DEADLINE_MS", "500");
        GatewayProcess first = gateway();
        String words = "deferred survive " + end;
        JsonNode deferred =
                call(first, "claude_request", Map.of("prompt", "SLOW=5 " + words, "workingDir", work.toString()));
        assertEquals("deferred", deferred.get("status").asText());
        String jobId = deferred.get("jobId").asText();
        Optional<ProcessHandle> cliProcess = cli(jobDir(jobId));
        assertTrue(cliProcess.isPresent());
        if (end == GatewayEnd.KILL_DASH_NINE) {
            killDashNine(first);
        } else {
            first.client.closeInput();
            assertEquals(0, first.process.waitFor());
        }
        assertTrue(cliProcess.get().isAlive(), "the CLI outlives its gateway");

        GatewayProcess second = gateway();
        JsonNode done = await(second, jobId, "completed");
        assertTrue(done.get("deferred").asBoolean());
        assertTrue(done.get("exitCode").isNull(), "nobody could collect the exit status: " + done);
        JsonNode reply = call(second, "llm_job_result", Map.of("jobId", jobId)).get("result");
        assertTrue(reply.get("warnings").toString().contains("exit status unknown"), reply.toString());
        assertCompletedWithFullOutput(second, jobId, reply.get("sessionId").asText(), words);
        cliProcess.get().onExit().get();
    }

    @Test
    void aDeferredRequestWhoseCliIsKilledWhileNoGatewayRunsIsOrphanedWithItsOutput() throws Exception {
        env.put("LLM_GATEWAY_SYNC_DEADLINE_MS", "500");
        GatewayProcess first = gateway();
        JsonNode deferred = call(first, "claude_request", Map.of("prompt", "SLOW=60 LINES=3 deferred then lost"));
        assertEquals("deferred", deferred.get("status").asText());
        assertTrue(orphanedOnceEverythingIsKilled(first, deferred.get("jobId").asText())
                .get("deferred")
                .asBoolean());
    }

    @Test
    void theCliOfASyncCallWhoseGatewayDiedIsStoppedByTheNextGateway() throws Exception {
        env.put("LLM_GATEWAY_SYNC_DEADLINE_MS", "600000");
        GatewayProcess first = gateway();
        first.client.send(
                "tools/call",
                Map.of(
                        "name",
                        "claude_request",
                        "arguments",
                        Map.of("prompt", "SLOW=120 abandoned sync call", "workingDir", work.toString())));
        Path runDir = Awaitility.await("the sync request's CLI started")
                .atMost(Duration.ofMillis(WAIT_MILLIS))
                .pollInterval(Duration.ofMillis(50))
                .ignoreException(java.nio.file.NoSuchFileException.class)
                .until(
                        () -> {
                            try (Stream<Path> dirs = Files.list(dataDir.resolve("jobs"))) {
                                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                                    if (cli(dir).isPresent()) {
                                        return Optional.of(dir);
                                    }
                                }
                                return Optional.<Path>empty();
                            }
                        },
                        Optional::isPresent)
                .get();
        Optional<ProcessHandle> cliProcess = cli(runDir);
        assertFalse(Files.exists(runDir.resolve("job.json")), "not deferred: a run directory, not a job");
        List<ProcessHandle> tree = new ArrayList<>();
        addTree(tree, cliProcess.get());
        killDashNine(first);
        assertTrue(cliProcess.get().isAlive(), "nothing else stops it");

        gateway();
        for (ProcessHandle process : tree) {
            process.onExit().get(WAIT_MILLIS, TimeUnit.MILLISECONDS); // the CLI and what it started
        }
        Path abandoned = runDir;
        Awaitility.await("the abandoned run directory removed")
                .atMost(Duration.ofMillis(WAIT_MILLIS))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !Files.exists(abandoned));
    }
}
