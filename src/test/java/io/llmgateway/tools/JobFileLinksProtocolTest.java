package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.Survivors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A symbolic link planted among a job's files redirects nothing, through the real stdio transport with real
 * supervisor processes: the gateway and the supervisor neither read nor write through it, and what the
 * client sees names the link. Links in a queued job's directory are planted before it starts (one job runs
 * at a time and a slow one holds the slot); links in a finished job's directory before its output is read.
 */
class JobFileLinksProtocolTest {
    private static final long WAIT_MILLIS = 30_000;
    private static final String SECRET = "root:x:0:0:SECRET-TARGET-CONTENT";
    private static final List<String> TERMINAL = List.of("completed", "failed", "canceled", "orphaned");

    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path outside;

    private FakeClis fakes;
    private InProcessGateway gw;

    @BeforeEach
    void start() throws Exception {
        fakes = FakeClis.in(state);
        Map<String, String> env = fakes.environmentWithSlowClaude();
        env.put("LLM_GATEWAY_MAX_JOBS", "1");
        env.put("LLM_GATEWAY_JOB_WATCH_MS", "100");
        gw = InProcessGateway.withJobSettings(dataDir, env);
        gw.client.initialize();
    }

    @AfterEach
    void stop() throws InterruptedException {
        gw.cancelUnfinishedJobs(); // a job whose lock is a link cannot be cancelled: it never started either
        gw.close();
        assertTrue(gw.client.nonJsonRpcLines().isEmpty());
        assertEquals(List.of(), Survivors.afterGracePeriod(), "no process survives");
    }

    private JsonNode call(String tool, Map<String, ?> arguments) {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(false), tool + " failed: " + result);
        return result.get("structuredContent");
    }

    private JsonNode awaitStatus(String jobId, List<String> statuses) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        JsonNode job = gw.client.callTool("llm_job_status", Map.of("jobId", jobId));
        while (!statuses.contains(job.path("structuredContent").path("status").asText())) {
            assertTrue(System.currentTimeMillis() < deadline, "job never got " + statuses + ": " + job);
            assertFalse(
                    TERMINAL.contains(
                            job.path("structuredContent").path("status").asText()),
                    "job ended without getting " + statuses + ": " + job);
            Thread.sleep(50);
            job = gw.client.callTool("llm_job_status", Map.of("jobId", jobId));
        }
        return job.get("structuredContent");
    }

    /** What the link points at. */
    enum Target {
        SECRET_FILE,
        MISSING,
        COMMAND_FILE,
        LAUNCH_COPY,
        JOB_COPY
    }

    /** What the client sees once the job has had its chance to run. */
    enum Outcome {
        /** The job failed, and its error names the link. */
        FAILS_NAMING_IT,
        /** The gateway replaced the link instead of writing through it: the job completes. */
        COMPLETES,
        /** The job cannot be changed at all: cancelling it is refused with an error naming the link. */
        REFUSED_NAMING_IT
    }

    record Planted(String path, Target target, Outcome outcome) {
        @Override
        public String toString() {
            return path.isEmpty() ? "the job directory" : path;
        }
    }

    static Stream<Planted> queuedJobLinks() {
        return Stream.of(
                new Planted("stdout.log", Target.SECRET_FILE, Outcome.FAILS_NAMING_IT),
                new Planted("stderr.log", Target.SECRET_FILE, Outcome.FAILS_NAMING_IT),
                new Planted("supervisor.log", Target.SECRET_FILE, Outcome.FAILS_NAMING_IT),
                new Planted("launch/stdin", Target.SECRET_FILE, Outcome.FAILS_NAMING_IT),
                new Planted("launch/command", Target.COMMAND_FILE, Outcome.FAILS_NAMING_IT),
                new Planted("launch/settings", Target.SECRET_FILE, Outcome.FAILS_NAMING_IT),
                new Planted("launch/environment", Target.SECRET_FILE, Outcome.FAILS_NAMING_IT),
                new Planted("launch", Target.LAUNCH_COPY, Outcome.FAILS_NAMING_IT),
                new Planted("job.json.tmp", Target.SECRET_FILE, Outcome.COMPLETES),
                new Planted("exit.json.tmp", Target.SECRET_FILE, Outcome.COMPLETES),
                new Planted("cli.pid.tmp", Target.SECRET_FILE, Outcome.COMPLETES),
                new Planted("exit.json", Target.MISSING, Outcome.COMPLETES),
                new Planted("cli.pid", Target.MISSING, Outcome.COMPLETES),
                new Planted("lock", Target.MISSING, Outcome.REFUSED_NAMING_IT),
                new Planted("", Target.JOB_COPY, Outcome.REFUSED_NAMING_IT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queuedJobLinks")
    void aLinkInAQueuedJobRedirectsNothing(Planted planted) throws Exception {
        String blocker = call("claude_request_async", Map.of("prompt", "SLOW=60 holds the only slot"))
                .get("jobId")
                .asText();
        awaitStatus(blocker, List.of("running"));
        String jobId = call("codex_request_async", Map.of("prompt", "queued behind it"))
                .get("jobId")
                .asText();
        assertEquals(
                "queued",
                call("llm_job_status", Map.of("jobId", jobId)).get("status").asText());
        Path jobDir = dataDir.resolve("jobs").resolve(jobId);
        Path link = planted.path().isEmpty() ? jobDir : jobDir.resolve(planted.path());
        Path target = outside.resolve("target");
        Path pwned = outside.resolve("pwned");
        switch (planted.target()) {
            case SECRET_FILE -> Files.writeString(target, SECRET + "\n");
            case MISSING -> {}
            case COMMAND_FILE -> Files.writeString(target, "/usr/bin/touch\0" + pwned);
            case LAUNCH_COPY -> {
                copyTree(jobDir.resolve("launch"), target);
                Files.writeString(target.resolve("command"), "/usr/bin/touch\0" + pwned);
            }
            case JOB_COPY -> copyTree(jobDir, target);
        }
        Map<String, String> before = snapshot(target);
        if (planted.path().isEmpty() || planted.path().equals("launch")) {
            deleteTree(link);
        } else {
            Files.deleteIfExists(link);
        }
        Files.createSymbolicLink(link, target);

        call("llm_job_cancel", Map.of("jobId", blocker));
        String seen;
        switch (planted.outcome()) {
            case FAILS_NAMING_IT -> {
                JsonNode job = awaitStatus(jobId, TERMINAL);
                assertEquals("failed", job.get("status").asText(), job.toString());
                // The page read from the other stream: a link at stdout.log also makes the default page an error.
                seen = call(
                                "llm_job_result",
                                Map.of(
                                        "jobId",
                                        jobId,
                                        "stream",
                                        planted.path().equals("stderr.log") ? "stdout" : "stderr"))
                        .get("error")
                        .toString();
            }
            case COMPLETES -> {
                JsonNode job = awaitStatus(jobId, TERMINAL);
                assertEquals("completed", job.get("status").asText(), job.toString());
                seen = null;
            }
            default -> {
                awaitStatus(blocker, List.of("canceled"));
                JsonNode refused = gw.client.callTool("llm_job_cancel", Map.of("jobId", jobId));
                assertTrue(refused.path("isError").asBoolean(false), refused.toString());
                seen = refused.toString();
            }
        }
        assertEquals(before, snapshot(target), "nothing was written through the link");
        assertFalse(Files.exists(pwned), "no command was read through the link");
        if (fakes.hasRun(ProviderId.CODEX)) {
            assertFalse(
                    fakes.lastStdin(ProviderId.CODEX).contains("SECRET-TARGET"), "no prompt was read through the link");
        }
        if (seen != null) {
            assertTrue(seen.contains(link.toString()) && seen.contains("symbolic link"), seen);
            assertFalse(seen.contains("SECRET-TARGET"), seen);
        }
    }

    static Stream<String> finishedJobFiles() {
        return Stream.of("stdout.log", "stderr.log", "job.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("finishedJobFiles")
    void aFinishedJobsFilesAreNotReadThroughALink(String name) throws Exception {
        String jobId = call("codex_request_async", Map.of("prompt", "finished first"))
                .get("jobId")
                .asText();
        awaitStatus(jobId, List.of("completed"));
        Path link = dataDir.resolve("jobs").resolve(jobId).resolve(name);
        Path target = outside.resolve("target");
        // A record that would be served if it were read: the real one with the reply replaced.
        String content =
                name.equals("job.json") ? Files.readString(link).replace("finished first", SECRET) : SECRET + "\n";
        Files.writeString(target, content);
        Files.delete(link);
        Files.createSymbolicLink(link, target);

        JsonNode reply = gw.client.callTool(
                "llm_job_result", Map.of("jobId", jobId, "stream", name.equals("stderr.log") ? "stderr" : "stdout"));
        assertTrue(reply.path("isError").asBoolean(false), reply.toString());
        assertFalse(reply.toString().contains("SECRET-TARGET"), reply.toString());
        assertTrue(
                reply.toString().contains(link.toString()) && reply.toString().contains("symbolic link"),
                reply.toString());
        assertEquals(content, Files.readString(target));
        assertFalse(call("llm_job_list", Map.of()).toString().contains("SECRET-TARGET"));
    }

    /** Relative path to content (or "<dir>") of every file under {@code root}; empty when it does not exist. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(
                        root.relativize(p).toString(),
                        Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                                ? "<dir>"
                                : new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path copy = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(p, copy);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
