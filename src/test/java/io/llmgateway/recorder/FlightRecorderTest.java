package io.llmgateway.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.RecorderConfig;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Json;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.files.FileMutexes;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.RunContext;
import io.llmgateway.provider.api.Usage;
import io.llmgateway.redact.SecretRedactor;
import io.llmgateway.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlightRecorderTest {
    private static final String SECRET = "sk-live-0123456789abcdef";
    private static final Principal ALICE = new Principal("alice");

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T10:00:00Z"));
    private final SecretRedactor redactor = new SecretRedactor(Map.of("OPENAI_API_KEY", SECRET));

    private FlightRecorder recorder(RecorderConfig config) {
        // A FileMutexes of its own per recorder: as separate gateway processes have.
        return new FlightRecorder(dataDir, config, new FileMutexes(), Json.newMapper(), clock, redactor);
    }

    private static RunContext context(String correlationId, Principal owner) {
        return new RunContext(
                "gw-1",
                Continuation.fresh(),
                Path.of("/tmp"),
                "sonnet",
                correlationId,
                Duration.ofMinutes(1),
                Duration.ofMinutes(1),
                List.of(),
                owner,
                Map.of());
    }

    private static ProviderResult result(
            ProviderId cli, String correlationId, String model, String response, Double cost, long in, long out) {
        return new ProviderResult(
                cli,
                response,
                "gw-1",
                "native-1",
                false,
                model,
                new Usage(in, out, 1L, null),
                cost,
                1234,
                0,
                correlationId,
                false,
                List.of());
    }

    private void request(
            FlightRecorder recorder, Principal owner, ProviderId cli, String id, String model, Double cost, long in) {
        recorder.started(cli, context(id, owner), "prompt of " + id);
        recorder.completed(context(id, owner), result(cli, id, model, "answer " + id, cost, in, 10));
    }

    @Test
    void aRequestIsFoundByItsCorrelationIdWithItsStartAndEndMergedAndItsTextRedacted() {
        FlightRecorder recorder = recorder(RecorderConfig.DEFAULTS);
        RunContext context = context("c-1", Principal.LOCAL);
        recorder.started(ProviderId.CLAUDE, context, "my key is " + SECRET);
        RequestRecord running = recorder.find(Principal.LOCAL, "c-1").orElseThrow();
        assertEquals("started", running.status());
        assertFalse(running.finished());

        clock.advance(Duration.ofSeconds(2));
        recorder.completed(
                context, result(ProviderId.CLAUDE, "c-1", "claude-sonnet-4", "the key " + SECRET, 0.25, 100, 20));
        RequestRecord done = recorder.find(Principal.LOCAL, "c-1").orElseThrow();
        assertEquals("completed", done.status());
        assertEquals("claude", done.cli());
        assertEquals("claude-sonnet-4", done.model());
        assertEquals("gw-1", done.sessionId());
        assertEquals("2026-03-10T10:00:00Z", done.startedAt());
        assertEquals("2026-03-10T10:00:02Z", done.finishedAt());
        assertEquals(1234L, done.durationMs());
        assertEquals(0, done.exitCode());
        assertEquals(100L, done.inputTokens());
        assertEquals(20L, done.outputTokens());
        assertEquals(0.25, done.costUsd());
        assertEquals(("my key is " + SECRET).length(), done.promptChars());
        assertNull(done.prompt(), "the prompt is kept only with LLM_GATEWAY_RECORD_PROMPTS=1");
        assertEquals("the key " + SecretRedactor.REPLACEMENT, done.response());
        assertEquals(("the key " + SECRET).length(), done.responseChars());
    }

    @Test
    void thePromptIsKeptRedactedWhenPromptsAreRecordedAndLongTextIsCut() {
        FlightRecorder recorder = recorder(new RecorderConfig(true, Duration.ofDays(30), 1 << 20, 1000));
        RunContext context = context("c-2", Principal.LOCAL);
        recorder.started(ProviderId.CODEX, context, "use " + SECRET);
        recorder.completed(context, result(ProviderId.CODEX, "c-2", null, "x".repeat(5000), null, 1, 1));
        RequestRecord r = recorder.find(Principal.LOCAL, "c-2").orElseThrow();
        assertEquals("use " + SecretRedactor.REPLACEMENT, r.prompt());
        assertEquals(1000, r.response().length());
        assertEquals(5000, r.responseChars());
        assertTrue(r.responseTruncated());
    }

    @Test
    void performanceCountsAndLatencyPercentilesArePerProviderForTheReadingGrantOnly() {
        FlightRecorder recorder = recorder(RecorderConfig.DEFAULTS);
        for (int i = 1; i <= 10; i++) {
            recorder.started(ProviderId.GEMINI, context("g-" + i, Principal.LOCAL), "p");
            recorder.failed(
                    ProviderId.GEMINI,
                    context("g-" + i, Principal.LOCAL),
                    10L * i,
                    1,
                    new GatewayException(ErrorCode.CLI_ERROR, "failed"));
        }
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "c-1", "sonnet", null, 1);
        request(recorder, ALICE, ProviderId.CLAUDE, "alice-1", "sonnet", null, 1);
        recorder.started(ProviderId.CLAUDE, context("running", Principal.LOCAL), "p");

        PerformanceSummary summary = recorder.performance(Principal.LOCAL);
        PerformanceSummary.Figures gemini = summary.byProvider().stream()
                .filter(f -> f.cli().equals("gemini"))
                .findFirst()
                .orElseThrow();
        assertEquals(10, gemini.requestCount());
        assertEquals(10, gemini.failureCount());
        assertEquals(55.0, gemini.averageResponseTimeMs());
        assertEquals(50L, gemini.p50Ms());
        assertEquals(100L, gemini.p95Ms());
        assertEquals(100L, gemini.maxMs());
        PerformanceSummary.Figures claude = summary.byProvider().stream()
                .filter(f -> f.cli().equals("claude"))
                .findFirst()
                .orElseThrow();
        assertEquals(1, claude.requestCount(), "alice's request and the running one are not counted");
        assertEquals(1.0, claude.successRate());
        assertEquals(1234L, claude.p99Ms());
        assertEquals(11, summary.totals().requestCount());
        assertEquals(ProviderId.values().length, summary.byProvider().size(), "every provider, zeros included");
    }

    @Test
    void aFailedRunIsRecordedWithItsErrorAndAnAbandonedOneAsAbandoned() {
        FlightRecorder recorder = recorder(RecorderConfig.DEFAULTS);
        recorder.started(ProviderId.GEMINI, context("f-1", Principal.LOCAL), "p");
        recorder.failed(
                ProviderId.GEMINI,
                context("f-1", Principal.LOCAL),
                50,
                3,
                new GatewayException(ErrorCode.CLI_ERROR, "gemini failed: " + SECRET));
        RequestRecord failed = recorder.find(Principal.LOCAL, "f-1").orElseThrow();
        assertEquals("failed", failed.status());
        assertEquals(3, failed.exitCode());
        assertEquals("cli_error", failed.errorCode());
        assertEquals("gemini failed: " + SecretRedactor.REPLACEMENT, failed.errorMessage());

        recorder.started(ProviderId.GEMINI, context("a-1", Principal.LOCAL), "p");
        recorder.abandoned(context("a-1", Principal.LOCAL));
        RequestRecord abandoned = recorder.find(Principal.LOCAL, "a-1").orElseThrow();
        assertEquals("abandoned", abandoned.status());
        assertEquals("gemini", abandoned.cli());
    }

    @Test
    void anotherGrantsRequestIsNotFoundNorCounted() {
        FlightRecorder recorder = recorder(RecorderConfig.DEFAULTS);
        request(recorder, ALICE, ProviderId.CLAUDE, "shared-id", "m", 1.0, 100);
        assertTrue(recorder.find(Principal.LOCAL, "shared-id").isEmpty());
        assertTrue(recorder.find(ALICE, "shared-id").isPresent());
        assertEquals(0, recorder.usage(Principal.LOCAL, null, null).totals().requests());
        assertEquals(1, recorder.usage(ALICE, null, null).totals().requests());
    }

    @Test
    void recordersWithTheirOwnLocksAppendConcurrentlyWithoutLosingOrTearingALine() throws Exception {
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            FlightRecorder recorder = recorder(RecorderConfig.DEFAULTS);
            int writer = w;
            writers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 25; i++) {
                    request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "w" + writer + "-" + i, "m", 0.5, 1);
                }
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
        FlightRecorder reader = recorder(RecorderConfig.DEFAULTS);
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < 25; i++) {
                assertEquals(
                        "completed",
                        reader.find(Principal.LOCAL, "w" + w + "-" + i)
                                .orElseThrow()
                                .status());
            }
        }
        assertEquals(100, reader.usage(Principal.LOCAL, null, null).totals().requests());
        List<String> lines = Files.readAllLines(dataDir.resolve("requests/2026-03-10.jsonl"));
        assertEquals(200, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{") && l.endsWith("}")));
    }

    @Test
    void dayFilesPastTheRetentionAreDeletedOnTheNextWrite() throws Exception {
        FlightRecorder recorder = recorder(new RecorderConfig(false, Duration.ofDays(7), 1L << 30, 1000));
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "old", "m", 1.0, 1);
        clock.advance(Duration.ofDays(3));
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "recent", "m", 1.0, 1);
        clock.advance(Duration.ofDays(5));
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "new", "m", 1.0, 1);
        assertTrue(recorder.find(Principal.LOCAL, "old").isEmpty(), "8 days old, retention 7");
        assertTrue(recorder.find(Principal.LOCAL, "recent").isPresent());
        assertEquals(List.of("2026-03-13.jsonl", "2026-03-18.jsonl"), dayFileNames());
    }

    @Test
    void theOldestDayFilesAreDeletedWhileAllTakeMoreThanTheCapButTodaysIsKept() throws Exception {
        FlightRecorder recorder = recorder(new RecorderConfig(false, Duration.ofDays(30), 1500, 1000));
        for (int day = 0; day < 4; day++) {
            request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "d" + day, "m", 1.0, 1);
            clock.advance(Duration.ofDays(1));
        }
        List<String> files = dayFileNames();
        assertTrue(files.size() < 4, "some day files were pruned: " + files);
        assertEquals("2026-03-13.jsonl", files.get(files.size() - 1), "today's file is kept");
        long total = 0;
        for (String file : files) {
            total += Files.size(dataDir.resolve("requests").resolve(file));
        }
        assertTrue(total <= 1500 || files.size() == 1, "within the cap: " + total);
        assertTrue(recorder.find(Principal.LOCAL, "d0").isEmpty());
        assertTrue(recorder.find(Principal.LOCAL, "d3").isPresent());
    }

    @Test
    void usageIsSummedPerDayProviderAndModelPerProviderAndInAllWithinTheWindow() {
        FlightRecorder recorder = recorder(RecorderConfig.DEFAULTS);
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "a", "opus", 1.0, 100);
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "b", "opus", 0.5, 50);
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "c", "sonnet", 0.25, 10);
        request(recorder, Principal.LOCAL, ProviderId.CODEX, "d", "gpt-5", null, 7);
        recorder.started(ProviderId.CODEX, context("still-running", Principal.LOCAL), "p");
        clock.advance(Duration.ofDays(1));
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "e", "opus", 2.0, 1000);

        UsageSummary all = recorder.usage(Principal.LOCAL, null, null);
        assertEquals(5, all.totals().requests(), "a running request is not counted");
        assertEquals(3.75, all.totals().costUsd(), 1e-9);
        assertEquals(4, all.totals().requestsWithCost());
        assertEquals(1167, all.totals().inputTokens());
        assertEquals(50, all.totals().outputTokens());
        assertEquals(5, all.totals().cacheReadTokens());
        List<String> groups = all.byDay().stream()
                .map(r -> r.day() + " " + r.cli() + " " + r.model() + " "
                        + r.totals().requests() + " " + r.totals().costUsd())
                .toList();
        assertEquals(
                List.of(
                        "2026-03-10 claude opus 2 1.5",
                        "2026-03-10 claude sonnet 1 0.25",
                        "2026-03-10 codex gpt-5 1 0.0",
                        "2026-03-11 claude opus 1 2.0"),
                groups);
        assertEquals(
                List.of("claude 4 3.75", "codex 1 0.0"),
                all.byProvider().stream()
                        .map(r -> r.cli() + " " + r.totals().requests() + " "
                                + r.totals().costUsd())
                        .toList());

        UsageSummary lastDay = recorder.usage(Principal.LOCAL, Instant.parse("2026-03-11T00:00:00Z"), null);
        assertEquals(1, lastDay.totals().requests());
        assertEquals(2.0, lastDay.totals().costUsd(), 1e-9);
        UsageSummary firstDay = recorder.usage(Principal.LOCAL, null, Instant.parse("2026-03-11T00:00:00Z"));
        assertEquals(4, firstDay.totals().requests());
    }

    @Test
    void aReusedCorrelationIdFindsTheNewestRequest() {
        FlightRecorder recorder = recorder(RecorderConfig.DEFAULTS);
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "same", "first", 1.0, 1);
        recorder.started(ProviderId.GEMINI, context("same", Principal.LOCAL), "again");
        RequestRecord newest = recorder.find(Principal.LOCAL, "same").orElseThrow();
        assertEquals("gemini", newest.cli());
        assertEquals("started", newest.status());
        assertNull(newest.response());
    }

    @Test
    void aCorrelationIdWithCharactersJsonEscapesIsFoundAndAPrefixOfAnotherIsNot() {
        FlightRecorder recorder = recorder(RecorderConfig.DEFAULTS);
        String odd = "id \"quoted\" \\ back/slash ünï";
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, odd, "m", 1.0, 1);
        request(recorder, Principal.LOCAL, ProviderId.CLAUDE, "abc-long", "m", 1.0, 1);
        assertEquals(odd, recorder.find(Principal.LOCAL, odd).orElseThrow().correlationId());
        assertTrue(recorder.find(Principal.LOCAL, "abc").isEmpty());
    }

    private List<String> dayFileNames() throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("requests"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".jsonl"))
                    .sorted()
                    .toList();
        }
    }
}
