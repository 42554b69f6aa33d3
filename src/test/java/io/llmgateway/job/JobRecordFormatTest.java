package io.llmgateway.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.RunContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * job.json across versions: jobs survive an upgrade, and gateways of the previous version sharing the data
 * directory read what this one writes. The records below are exactly what 0.1.0 wrote.
 */
class JobRecordFormatTest {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private final JobRecordFormat format = new JobRecordFormat(MAPPER);

    /** A completed Claude job with two scratch files, as 0.1.0 wrote it (the result as the sync tool returned it). */
    private static final String COMPLETED_010 = """
            {"format":1,"id":"job-0f8e3c2a-5b7d-4e21-9a3c-1d2e3f405162","cli":"claude","status":"completed",\
            "deferred":false,"createdAt":"2026-05-01T10:00:00Z","startedAt":"2026-05-01T10:00:01.250Z",\
            "finishedAt":"2026-05-01T10:02:00Z","sessionId":"gw-1","correlationId":"corr-1","workingDir":"/work/p",\
            "dedupKey":"ab12","context":{"sessionId":"gw-1","continuation":"RESUME","nativeSessionId":"n-1",\
            "workingDir":"/work/p","model":"opus","correlationId":"corr-1","timeoutMs":"1800000",\
            "idleTimeoutMs":"600000","scratchFiles":"/tmp/a.json\\n/tmp/b.json"},\
            "runner":{"pid":4242,"startMillis":1777629601000,"machine":"boot/pid:[4026531836]"},\
            "cancelRequested":false,"exitCode":0,"result":{"success":true,"cli":"claude","response":"Hello",\
            "sessionId":"gw-1","nativeSessionId":"n-1","resumed":true,"model":"claude-opus-4-8",\
            "usage":{"inputTokens":11,"outputTokens":7,"cacheReadTokens":null,"cacheCreationTokens":0},\
            "costUsd":2.3E-4,"durationMs":119000,"exitCode":0,"correlationId":"corr-1","truncated":false,\
            "warnings":["a warning"]},"error":null}""";

    /** A failed Codex job, still watched by nobody, as 0.1.0 wrote it. */
    private static final String FAILED_010 = """
            {"format":1,"id":"job-00000000-0000-0000-0000-000000000007","cli":"codex","status":"failed",\
            "deferred":true,"createdAt":"2026-05-01T10:00:00Z","startedAt":"2026-05-01T10:00:00Z",\
            "finishedAt":"2026-05-01T10:00:03Z","sessionId":null,"correlationId":"c","workingDir":"/w",\
            "dedupKey":null,"context":{"continuation":"FRESH","workingDir":"/w","correlationId":"c",\
            "timeoutMs":"500","idleTimeoutMs":"600000"},"runner":null,"cancelRequested":false,"exitCode":124,\
            "result":null,"error":{"code":"timeout","message":"Codex timed out.","details":{"timeoutMs":500,\
            "stderrExcerpt":"…late"}}}""";

    @Test
    void aCompletedJobOfTheFirstFormatReadsAsTypedRecords() throws IOException {
        JobRecord job = format.read(COMPLETED_010.getBytes(StandardCharsets.UTF_8));
        assertEquals(ProviderId.CLAUDE, job.cli());
        assertEquals(JobStatus.COMPLETED, job.status());
        assertEquals(Instant.parse("2026-05-01T10:00:01.250Z"), job.startedAt());
        assertEquals(new ProcessRef(4242, 1777629601000L, "boot/pid:[4026531836]"), job.runner());
        RunContext context = job.context();
        assertEquals(Continuation.resume("n-1"), context.continuation());
        assertEquals(Duration.ofMinutes(30), context.timeout());
        assertEquals(List.of(Path.of("/tmp/a.json"), Path.of("/tmp/b.json")), context.scratchFiles());
        ProviderResult result = job.result();
        assertEquals("Hello", result.response());
        assertEquals(ProviderId.CLAUDE, result.cli());
        assertEquals(11L, result.usage().inputTokens());
        assertNull(result.usage().cacheReadTokens());
        assertEquals(0.00023, result.costUsd());
        assertEquals(List.of("a warning"), result.warnings());
    }

    @Test
    void aFailedJobOfTheFirstFormatKeepsItsErrorDetails() throws IOException {
        JobRecord job = format.read(FAILED_010.getBytes(StandardCharsets.UTF_8));
        assertEquals(JobStatus.FAILED, job.status());
        assertNull(job.runner());
        assertNull(job.result());
        assertEquals("timeout", job.error().code());
        assertEquals(
                Map.of("timeoutMs", 500, "stderrExcerpt", "…late"), job.error().details());
        assertEquals(Duration.ofMillis(500), job.context().timeout());
    }

    @Test
    void whatThisVersionWritesIsWhatTheFirstFormatWrote() throws IOException {
        for (String written010 : List.of(COMPLETED_010, FAILED_010)) {
            byte[] rewritten = format.write(format.read(written010.getBytes(StandardCharsets.UTF_8)));
            assertEquals(MAPPER.readTree(written010), MAPPER.readTree(rewritten));
            assertEquals(written010, new String(rewritten, StandardCharsets.UTF_8), "same fields in the same order");
        }
    }

    @Test
    void aRecordNamingAnUnknownProviderIsNotAJobRecord() {
        String unknown = FAILED_010.replace("\"cli\":\"codex\"", "\"cli\":\"nope\"");
        assertThrows(IOException.class, () -> format.read(unknown.getBytes(StandardCharsets.UTF_8)));
        String future = FAILED_010.replace("\"format\":1", "\"format\":2");
        assertThrows(IOException.class, () -> format.read(future.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aJobThatEarlierVersionsRecordedAsCancelledReadsAsCanceledAndIsWrittenSoFromNowOn() throws IOException {
        String cancelled010 = FAILED_010.replace("\"status\":\"failed\"", "\"status\":\"cancelled\"");
        JobRecord job = format.read(cancelled010.getBytes(StandardCharsets.UTF_8));
        assertEquals(JobStatus.CANCELED, job.status());
        assertEquals(
                "canceled",
                MAPPER.readTree(format.write(job)).get("status").asText(),
                "the original's spelling, as llm_job_status reports it");
    }
}
