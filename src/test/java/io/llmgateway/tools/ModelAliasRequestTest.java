package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request tools hand the CLI the model list_models promises for an alias. */
class ModelAliasRequestTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path work;

    private FakeClis fakes;
    private InProcessGateway gw;

    @BeforeEach
    void start() {
        fakes = FakeClis.in(state);
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, fakes.environment()),
                new InMemorySessionStore(),
                new MutableClock(Instant.parse("2026-11-22T10:00:00Z")));
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private void request(String model) {
        JsonNode result = gw.client.callTool(
                "claude_request", Map.of("prompt", "p", "model", model, "workingDir", work.toString()));
        assertFalse(result.get("isError").asBoolean(), result.toString());
    }

    @Test
    void aGatewayAliasReachesTheCliAsItsTarget() {
        request("claude-opus-4.8");
        assertTrue(
                fakes.lastArgs(ProviderId.CLAUDE).contains("--model=claude-opus-4-8"),
                fakes.lastArgs(ProviderId.CLAUDE).toString());
    }

    @Test
    void cliAliasesAndUnknownModelsReachTheCliUnchanged() {
        request("opus");
        assertTrue(
                fakes.lastArgs(ProviderId.CLAUDE).contains("--model=opus"),
                fakes.lastArgs(ProviderId.CLAUDE).toString());
        request("claude-next-9");
        assertTrue(fakes.lastArgs(ProviderId.CLAUDE).contains("--model=claude-next-9"));
    }

    @Test
    void listModelsShowsTheAliasTheRequestUsed() {
        JsonNode claude = gw.client
                .callTool("list_models", Map.of("cli", "claude"))
                .get("structuredContent")
                .get("providers")
                .get(0);
        boolean listed = false;
        for (JsonNode alias : claude.get("aliases")) {
            if (alias.get("alias").asText().equals("claude-opus-4.8")) {
                assertEquals("claude-opus-4-8", alias.get("target").asText());
                assertEquals("gateway", alias.get("resolvedBy").asText());
                listed = true;
            }
        }
        assertTrue(listed, claude.toString());
    }
}
