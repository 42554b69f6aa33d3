package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** list_available_models and the models://{cli} resources in the original's shape, through the stdio transport. */
class ModelResourcesProtocolTest {
    private static final ObjectMapper MAPPER = Json.newMapper();

    @TempDir
    Path dataDir;

    @TempDir
    Path home;

    private InProcessGateway gw;

    private void start(String policyJson) throws Exception {
        Path policy = dataDir.resolve("policy.json");
        Files.writeString(policy, policyJson == null ? "{\"version\":\"1\",\"default\":\"allow\"}" : policyJson);
        Map<String, String> env = Map.of("HOME", home.toString(), "LLM_GATEWAY_POLICY", policy.toString());
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
    void listAvailableModelsHasEveryProviderInTheOriginalsShape() throws Exception {
        Files.createDirectories(home.resolve(".claude"));
        Files.writeString(home.resolve(".claude/settings.json"), "{\"model\": \"sonnet\"}");
        start(null);

        JsonNode result = gw.client.callTool("list_available_models", Map.of());
        assertFalse(result.path("isError").asBoolean(), result.toString());
        JsonNode body = result.get("structuredContent");
        assertTrue(body.get("success").asBoolean());
        assertFalse(body.has("apiProviders"), "no API providers are configured: the original omits the field");
        List<String> clis = new ArrayList<>();
        body.get("models").fieldNames().forEachRemaining(clis::add);
        assertEquals(ProviderId.wireNames(), clis);
        JsonNode claude = body.get("models").get("claude");
        assertEquals("sonnet", claude.get("defaultModel").asText(), "the user's own default");
        assertEquals("claude-opus-4-8", claude.get("aliases").get("opus").asText());
        assertEquals(
                "Claude Opus 4.8", claude.get("models").get("claude-opus-4-8").asText());
        assertEquals("claude-fable-5", claude.get("modelOrder").get(0).asText());
    }

    @Test
    void eachProviderHasAModelsResourceShowingWhatListAvailableModelsShows() throws Exception {
        start(null);
        List<String> uris = resourceUris();
        for (String cli : ProviderId.wireNames()) {
            assertTrue(uris.contains("models://" + cli), uris.toString());
        }
        JsonNode listed = gw.client
                .callTool("list_available_models", Map.of())
                .get("structuredContent")
                .get("models");
        for (String cli : ProviderId.wireNames()) {
            JsonNode read = gw.client.request("resources/read", Map.of("uri", "models://" + cli));
            JsonNode contents = read.get("result").get("contents").get(0);
            assertEquals("application/json", contents.get("mimeType").asText());
            assertEquals(listed.get(cli), MAPPER.readTree(contents.get("text").asText()), cli);
        }
    }

    @Test
    void aModelsResourceIsListedAndReadExactlyWhenListModelsIsAllowedForItsCli() throws Exception {
        start("{\"version\":\"1\",\"default\":\"deny\",\"hide\":[\"*\"],\"tools\":{\"list_models\":"
                + "{\"deny_if\":[{\"path\":\"args.cli\",\"op\":\"eq\",\"value\":\"codex\"}]}}}");

        List<String> uris = resourceUris();
        assertTrue(uris.contains("models://claude"), uris.toString());
        assertFalse(uris.contains("models://codex"), uris.toString());
        JsonNode codex = gw.client.request("resources/read", Map.of("uri", "models://codex"));
        assertEquals(
                "policy_denied", codex.get("error").get("data").get("errorCode").asText(), codex.toString());
        assertFalse(gw.client
                .request("resources/read", Map.of("uri", "models://claude"))
                .has("error"));
    }

    private List<String> resourceUris() {
        List<String> uris = new ArrayList<>();
        gw.client
                .request("resources/list", Map.of())
                .get("result")
                .get("resources")
                .forEach(r -> uris.add(r.get("uri").asText()));
        return uris;
    }
}
