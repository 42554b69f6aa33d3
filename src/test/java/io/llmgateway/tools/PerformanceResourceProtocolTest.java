package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics://performance: the requests this gateway ran, counted from the flight recorder, under llm_usage's policy. */
class PerformanceResourceProtocolTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path work;

    private InProcessGateway gw;

    private void start(String policyJson) throws Exception {
        Path policy = dataDir.resolve("policy.json");
        Files.writeString(policy, policyJson);
        Map<String, String> env = new HashMap<>(FakeClis.in(state).environment());
        env.put("LLM_GATEWAY_POLICY", policy.toString());
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, env),
                new InMemorySessionStore(),
                new MutableClock(Instant.parse("2026-11-22T10:00:00Z")),
                env);
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void theRequestsRunAreCountedWithTheirLatencies() throws Exception {
        start("{\"version\":\"1\",\"default\":\"allow\"}");
        for (int i = 0; i < 2; i++) {
            JsonNode result =
                    gw.client.callTool("claude_request", Map.of("prompt", "hello " + i, "workingDir", work.toString()));
            assertFalse(result.path("isError").asBoolean(), result.toString());
        }
        JsonNode read = gw.client.request("resources/read", Map.of("uri", "metrics://performance"));
        JsonNode body = Json.newMapper()
                .readTree(read.get("result").get("contents").get(0).get("text").asText());
        assertEquals(2, body.get("totalRequests").asInt(), body.toString());
        assertEquals(1.0, body.get("overallSuccessRate").asDouble());
        JsonNode claude = body.get("byTool").get("claude");
        assertEquals(2, claude.get("requestCount").asInt());
        assertEquals(2, claude.get("successCount").asInt());
        assertTrue(claude.get("p95ResponseTimeMs").isIntegralNumber(), claude.toString());
        assertEquals(0, body.get("byTool").get("codex").get("requestCount").asInt());
    }

    @Test
    void itObeysTheUsagePolicy() throws Exception {
        start("{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"llm_usage\":{\"action\":\"deny\"}}}");
        JsonNode listed =
                gw.client.request("resources/list", Map.of()).get("result").get("resources");
        listed.forEach(r -> assertFalse(r.get("uri").asText().startsWith("metrics://"), r.toString()));
        JsonNode denied = gw.client.request("resources/read", Map.of("uri", "metrics://performance"));
        assertEquals(
                "policy_denied",
                denied.get("error").get("data").get("errorCode").asText(),
                denied.toString());
    }
}
