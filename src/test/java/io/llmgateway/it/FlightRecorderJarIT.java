package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flight recorder through the jar's stdio transport, with fake CLIs: a request one gateway process makes
 * (sync or async) is found by its correlationId, and counted in the usage, by another one on the data directory.
 */
class FlightRecorderJarIT {
    private static final String SECRET = "sk-ant-flight-recorder-0123456789";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(FakeClis.in(state).environment());
        env.put("ANTHROPIC_API_KEY", SECRET);
        env.put("LLM_GATEWAY_JOB_WATCH_MS", "100");
        return env;
    }

    private static JsonNode ok(GatewayProcess gw, String tool, Map<String, ?> arguments) {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(false), tool + " failed: " + result);
        return result.get("structuredContent");
    }

    @Test
    void aRequestMadeByOneGatewayProcessIsFoundAndCountedByAnother() throws Exception {
        Map<String, String> recordingPrompts = environment();
        recordingPrompts.put("LLM_GATEWAY_RECORD_PROMPTS", "1");
        try (GatewayProcess first = GatewayProcess.start(dataDir, recordingPrompts);
                GatewayProcess second = GatewayProcess.start(dataDir, environment())) {
            first.client.initialize();
            second.client.initialize();
            assertTrue(second.client.toolNames().containsAll(java.util.List.of("llm_request_result", "llm_usage")));

            ok(first, "claude_request", Map.of("prompt", "hello FAKE_LEAK", "correlationId", "flight-sync"));
            String jobId = ok(
                            first,
                            "gemini_request_async",
                            Map.of("prompt", "an async question", "correlationId", "flight-async"))
                    .get("jobId")
                    .asText();
            Awaitility.await("job " + jobId)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> ok(second, "llm_job_status", Map.of("jobId", jobId))
                                    .get("status")
                                    .asText(),
                            "completed"::equals);

            JsonNode sync = ok(
                            second, "llm_request_result", Map.of("correlationId", "flight-sync", "includePrompt", true))
                    .get("request");
            assertEquals("flight-sync", sync.get("correlationId").asText());
            assertEquals("claude", sync.get("cli").asText());
            assertEquals("claude-fake-1", sync.get("model").asText());
            assertEquals("completed", sync.get("status").asText());
            assertEquals(0, sync.get("exitCode").asInt());
            assertEquals(0.00023, sync.get("costUsd").asDouble(), 1e-12);
            assertEquals(11, sync.get("inputTokens").asInt());
            assertEquals(7, sync.get("outputTokens").asInt());
            assertEquals(3, sync.get("cacheReadTokens").asInt());
            assertEquals(2, sync.get("cacheCreationTokens").asInt());
            assertEquals("hello FAKE_LEAK".length(), sync.get("promptChars").asInt());
            assertEquals("hello FAKE_LEAK", sync.get("prompt").asText(), "recorded by the process with prompts on");
            assertTrue(sync.get("sessionId").asText().startsWith("gw-"), sync.toString());
            assertTrue(sync.get("durationMs").asLong() >= 0);
            assertEquals("local", sync.get("ownerPrincipal").asText());
            assertTrue(sync.get("response").asText().contains("[redacted]"), sync.toString());
            assertFalse(sync.toString().contains(SECRET), "the recorded response is redacted");

            JsonNode async = ok(second, "llm_request_result", Map.of("correlationId", "flight-async"))
                    .get("request");
            assertEquals("gemini", async.get("cli").asText());
            assertEquals("completed", async.get("status").asText());
            assertFalse(async.has("prompt"), "includePrompt defaults to false");
            assertEquals(
                    async.get("responseChars").asInt(),
                    async.get("response").asText().length());

            JsonNode missing = second.client.callTool("llm_request_result", Map.of("correlationId", "no-such-id"));
            assertTrue(missing.get("isError").asBoolean(), missing.toString());
            assertEquals(
                    "No persisted request found for this correlation id",
                    missing.get("structuredContent").get("error").asText());

            JsonNode usage = ok(second, "llm_usage", Map.of("days", 1));
            assertEquals(2, usage.get("totals").get("requests").asInt(), usage.toString());
            assertEquals(
                    java.util.List.of("claude", "gemini"),
                    MAPPER.convertValue(usage.get("byProvider").findValuesAsText("cli"), java.util.List.class));
            JsonNode resource = second.client.request("resources/read", Map.of("uri", "metrics://usage"));
            JsonNode metrics = MAPPER.readTree(
                    resource.get("result").get("contents").get(0).get("text").asText());
            assertEquals(usage.get("totals"), metrics.get("totals"));
        }
        try (var days = Files.list(dataDir.resolve("requests"))) {
            assertEquals(1, days.filter(f -> f.toString().endsWith(".jsonl")).count());
        }
    }

    @Test
    void aDeferredRequestAndAFailedOneAreRecordedToo() throws Exception {
        Map<String, String> env = new HashMap<>(FakeClis.in(state).environmentWithSlowClaude());
        env.put("LLM_GATEWAY_SYNC_DEADLINE_MS", "500");
        env.put("LLM_GATEWAY_JOB_WATCH_MS", "100");
        try (GatewayProcess first = GatewayProcess.start(dataDir, env);
                GatewayProcess second = GatewayProcess.start(dataDir, env)) {
            first.client.initialize();
            second.client.initialize();
            JsonNode deferred = ok(
                    first, "claude_request", Map.of("prompt", "SLOW=2 a slow one", "correlationId", "flight-deferred"));
            assertEquals("deferred", deferred.get("status").asText());
            assertEquals(
                    "started",
                    ok(second, "llm_request_result", Map.of("correlationId", "flight-deferred"))
                            .get("request")
                            .get("status")
                            .asText(),
                    "a running request is visible at once");
            Awaitility.await("deferred request recorded")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> ok(second, "llm_request_result", Map.of("correlationId", "flight-deferred"))
                                    .get("request")
                                    .get("status")
                                    .asText(),
                            "completed"::equals);

            JsonNode failed = first.client.callTool(
                    "gemini_request", Map.of("prompt", "FAKE_API_ERROR please", "correlationId", "flight-failed"));
            assertTrue(failed.get("isError").asBoolean(), failed.toString());
            JsonNode recorded = ok(second, "llm_request_result", Map.of("correlationId", "flight-failed"))
                    .get("request");
            assertEquals("failed", recorded.get("status").asText(), recorded.toString());
            assertEquals(
                    failed.get("structuredContent").get("errorCode").asText(),
                    recorded.get("errorCode").asText());
            JsonNode totals = ok(second, "llm_usage", Map.of()).get("totals");
            assertEquals(2, totals.get("requests").asInt(), totals.toString());
            assertEquals(1, totals.get("failed").asInt(), totals.toString());
        }
    }

    @Test
    void aPolicyDenyingLlmUsageAlsoDeniesMetricsUsage() throws Exception {
        Files.writeString(
                dataDir.resolve("policy.json"),
                "{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"llm_usage\":{\"action\":\"deny\"}}}");
        try (GatewayProcess gw = GatewayProcess.start(dataDir, environment())) {
            gw.client.initialize();
            JsonNode listed = gw.client.request("resources/list", Map.of());
            assertFalse(listed.toString().contains("metrics://usage"), listed.toString());
            JsonNode read = gw.client.request("resources/read", Map.of("uri", "metrics://usage"));
            assertTrue(read.has("error"), read.toString());
            assertTrue(gw.client.callTool("llm_usage", Map.of()).get("isError").asBoolean());
        }
    }
}
