package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.Survivors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client written against the original TypeScript gateway's job shapes (original-surface.md §2) works here
 * unchanged, through the real stdio transport: it reads {@code job.status}, waits for {@code canceled}, and
 * reads {@code {success, jobId}} from llm_job_cancel.
 */
class JobShapesProtocolTest {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final List<String> ORIGINAL_JOB_FIELDS = List.of(
            "id",
            "cli",
            "status",
            "startedAt",
            "finishedAt",
            "exitCode",
            "correlationId",
            "outputTruncated",
            "stdoutBytes",
            "stderrBytes",
            "error",
            "exited");

    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    private InProcessGateway gw;

    @BeforeEach
    void start() throws Exception {
        gw = InProcessGateway.withJobSettings(dataDir, FakeClis.in(state).environmentWithSlowClaude());
        gw.client.initialize();
    }

    @AfterEach
    void stop() throws InterruptedException {
        gw.cancelUnfinishedJobs();
        gw.close();
        assertTrue(gw.client.nonJsonRpcLines().isEmpty());
        assertEquals(List.of(), Survivors.afterGracePeriod(), "no process survives");
    }

    /** What the original's clients parse: the JSON text of the first content block. */
    private JsonNode originalReply(String tool, Map<String, ?> arguments) throws Exception {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(false), tool + " failed: " + result);
        return MAPPER.readTree(result.get("content").get(0).get("text").asText());
    }

    @Test
    void aClientWrittenForTheOriginalPollsAJobToCanceled() throws Exception {
        String jobId = originalReply("claude_request_async", Map.of("prompt", "SLOW=60 long one"))
                .get("jobId")
                .asText();
        Awaitility.await("job running")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> originalReply("llm_job_status", Map.of("jobId", jobId))
                        .get("job")
                        .get("status")
                        .asText()
                        .equals("running"));

        JsonNode cancel = originalReply("llm_job_cancel", Map.of("jobId", jobId));
        assertTrue(cancel.get("success").asBoolean());
        assertEquals(jobId, cancel.get("jobId").asText());

        JsonNode job = Awaitility.await("job canceled, read as the original's clients read it")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> originalReply("llm_job_status", Map.of("jobId", jobId))
                                .get("job"),
                        j -> j.get("status").asText().equals("canceled"));
        for (String field : ORIGINAL_JOB_FIELDS) {
            assertTrue(job.has(field), "job." + field + " in " + job);
        }
        assertEquals(jobId, job.get("id").asText());
        assertEquals("claude", job.get("cli").asText());
        assertFalse(job.get("finishedAt").isNull());
        assertTrue(job.get("exited").asBoolean());
        assertFalse(job.get("error").isNull(), "the original reports why the job ended: " + job);

        JsonNode listed = originalReply("llm_job_list", Map.of("status", "canceled"));
        assertEquals(1, listed.get("total").asInt(), "the filter takes the original's spelling");
    }

    @Test
    void aFinishedClaudeJobsResultHasTheOriginalsOutputFieldsWithinMaxCharsAndItsParsedReply() throws Exception {
        String jobId = originalReply("claude_request_async", Map.of("prompt", "LINES=2000 paged"))
                .get("jobId")
                .asText();
        Awaitility.await("job completed")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> originalReply("llm_job_status", Map.of("jobId", jobId))
                        .get("job")
                        .get("exited")
                        .asBoolean());

        JsonNode cut = originalReply("llm_job_result", Map.of("jobId", jobId, "maxChars", 20_000));
        JsonNode result = cut.get("result");
        assertEquals("completed", result.get("status").asText());
        assertEquals(jobId, result.get("id").asText());
        assertTrue(result.get("stdout").asText().length() <= 20_000);
        assertTrue(
                result.get("stdout").asText().contains("warming up 1"),
                result.get("stdout").asText());
        assertTrue(result.get("stdoutTruncated").asBoolean());
        assertFalse(result.get("stderrTruncated").asBoolean());
        assertTrue(result.has("stderr"));

        JsonNode whole = originalReply("llm_job_result", Map.of("jobId", jobId, "maxChars", 1_000_000));
        assertFalse(whole.get("result").get("stdoutTruncated").asBoolean());
        assertTrue(whole.get("result").get("stdout").asText().contains("\"type\":\"result\""));
        JsonNode parsed = whole.get("parsed");
        assertEquals(
                whole.get("result").get("response").asText(), parsed.get("text").asText());
        assertFalse(parsed.get("text").asText().isEmpty());
        assertTrue(parsed.get("usage").has("cacheReadInputTokens"), parsed.toString());
    }
}
