package io.llmgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GatewayProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Job benchmark of issue 4 (not a test): spawns the shaded jar with the fake provider CLIs and times
 * submit-to-jobId, llm_job_status round trips, and 50 short jobs through the queue. Run with
 * {@code scripts/bench.sh jobs}. Prints Markdown rows for docs/PERFORMANCE.md.
 */
public final class JobBenchmark {
    private static final int SUBMITS = 40;
    private static final int STATUS_CALLS = 300;
    private static final int SYNC_CALLS = 60;
    private static final int QUEUED_JOBS = 50;
    private static final List<ProviderId> PROVIDERS =
            List.of(ProviderId.CLAUDE, ProviderId.CODEX, ProviderId.GEMINI, ProviderId.GROK);

    public static void main(String[] args) throws Exception {
        Path dataDir = Files.createTempDirectory("bench-jobs");
        FakeClis fakes = FakeClis.in(Files.createTempDirectory("bench-jobs-state"));
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("LLM_GATEWAY_MAX_QUEUED_JOBS", "100");
        env.put("LLM_GATEWAY_JOB_WATCH_MS", "100");
        System.out.println("| measurement | median ms | p99 ms | n |");
        System.out.println("|---|---|---|---|");
        try (GatewayProcess gw = GatewayProcess.start(dataDir, env)) {
            gw.client.initialize();
            String lastJob = submitLatency(gw);
            statusRoundTrip(gw, lastJob);
            syncOverhead(gw, fakes);
            throughQueue(gw);
        }
    }

    /** Each submit waits for the previous job to finish, so every one starts a supervisor at once. */
    private static String submitLatency(GatewayProcess gw) throws InterruptedException {
        List<Long> samples = new ArrayList<>();
        List<Long> completions = new ArrayList<>();
        String jobId = null;
        for (int i = 0; i < SUBMITS + 5; i++) {
            long t0 = System.nanoTime();
            JsonNode submitted = call(gw, "claude_request_async", Map.of("prompt", "bench submit " + i));
            long t1 = System.nanoTime();
            jobId = submitted.get("jobId").asText();
            awaitFinished(gw, jobId);
            if (i >= 5) {
                samples.add(t1 - t0);
                completions.add(System.nanoTime() - t0);
            }
        }
        System.out.println(BenchStats.row(
                "claude_request_async: submit → jobId (a slot free, supervisor started)", BenchStats.ofNanos(samples)));
        System.out.println(BenchStats.row(
                "claude_request_async: submit → completed (status polled every 10 ms)",
                BenchStats.ofNanos(completions)));
        return jobId;
    }

    private static void statusRoundTrip(GatewayProcess gw, String jobId) {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < STATUS_CALLS + 50; i++) {
            long t0 = System.nanoTime();
            call(gw, "llm_job_status", Map.of("jobId", jobId));
            if (i >= 50) {
                samples.add(System.nanoTime() - t0);
            }
        }
        System.out.println(BenchStats.row("llm_job_status round trip (finished job)", BenchStats.ofNanos(samples)));
    }

    /** The sync path now runs through the job service (deferral): its overhead over the bare fake CLI. */
    private static void syncOverhead(GatewayProcess gw, FakeClis fakes) throws Exception {
        List<Long> bare = new ArrayList<>();
        List<Long> sync = new ArrayList<>();
        for (int i = 0; i < SYNC_CALLS + 10; i++) {
            long t0 = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(
                    fakes.executable(ProviderId.CLAUDE).toString(), "-p", "--output-format=stream-json", "--verbose");
            pb.environment().putAll(fakes.environment());
            Process p = pb.start();
            p.getOutputStream().write(("bench bare " + i).getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            p.waitFor();
            long t1 = System.nanoTime();
            call(gw, "claude_request", Map.of("prompt", "bench sync " + i, "createNewSession", true));
            long t2 = System.nanoTime();
            if (i >= 10) {
                bare.add(t1 - t0);
                sync.add(t2 - t1);
            }
        }
        System.out.println(
                BenchStats.row("bare fake claude run (spawn, stdin, read stdout, exit)", BenchStats.ofNanos(bare)));
        System.out.println(
                BenchStats.row("claude_request round trip (sync, through the job service)", BenchStats.ofNanos(sync)));
    }

    private static void throughQueue(GatewayProcess gw) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < QUEUED_JOBS; i++) {
            ProviderId cli = PROVIDERS.get(i % PROVIDERS.size());
            ids.add(call(gw, cli.wireName() + "_request_async", Map.of("prompt", "bench queue " + i))
                    .get("jobId")
                    .asText());
        }
        long submitted = System.nanoTime();
        Duration runTimes = Duration.ZERO;
        int completed = 0;
        for (String id : ids) {
            JsonNode job = awaitFinished(gw, id);
            if ("completed".equals(job.get("status").asText())) {
                completed++;
            }
            runTimes = runTimes.plus(Duration.between(
                    Instant.parse(job.get("startedAt").asText()),
                    Instant.parse(job.get("finishedAt").asText())));
        }
        long wall = System.nanoTime() - t0;
        System.out.printf(
                "%n%d short jobs (claude, codex, gemini, grok in turn) with LLM_GATEWAY_MAX_JOBS=4, "
                        + "_PER_PROVIDER=2: %d completed; all submitted in %.0f ms; wall time until all finished %.0f ms; "
                        + "sum of run times (startedAt → finishedAt) %d ms; sum / wall = %.2f%n",
                QUEUED_JOBS,
                completed,
                (submitted - t0) / 1e6,
                wall / 1e6,
                runTimes.toMillis(),
                runTimes.toMillis() / (wall / 1e6));
    }

    private static JsonNode awaitFinished(GatewayProcess gw, String jobId) throws InterruptedException {
        while (true) {
            JsonNode job = call(gw, "llm_job_status", Map.of("jobId", jobId));
            String status = job.get("status").asText();
            if (!status.equals("queued") && !status.equals("running")) {
                return job;
            }
            Thread.sleep(10);
        }
    }

    private static JsonNode call(GatewayProcess gw, String tool, Map<String, ?> arguments) {
        JsonNode result = gw.client.callTool(tool, arguments);
        if (result.path("isError").asBoolean(false)) {
            throw new IllegalStateException(tool + " failed: " + result);
        }
        return result.get("structuredContent");
    }
}
