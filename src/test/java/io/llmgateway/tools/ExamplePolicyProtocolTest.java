package io.llmgateway.tools;

import static io.llmgateway.tools.PolicyProtocolTest.assertDenied;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/policy.example.json, as shipped, through the real stdio transport with the fake CLIs. */
class ExamplePolicyProtocolTest {
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
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:48Z"));
        fakes = FakeClis.in(state);
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, fakes.environment()),
                new JsonFileSessionStore(dataDir, clock),
                clock,
                Map.of(
                        "LLM_GATEWAY_POLICY",
                        Path.of("docs/policy.example.json").toAbsolutePath().toString()));
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void cliUpgradeIsHiddenAndRefused() {
        JsonNode tools = gw.client.request("tools/list", Map.of()).get("result").get("tools");
        tools.forEach(t -> assertFalse(t.get("name").asText().equals("cli_upgrade"), "listed: " + t));
        JsonNode denied = gw.client.callTool("cli_upgrade", Map.of("cli", "codex"));
        assertDenied(denied, "policy_denied");
    }

    @Test
    void anMcpServerConfigurationIsRefusedForSyncAndAsyncRequests() {
        String shell = "{\"mcpServers\":{\"sh\":{\"command\":\"/bin/sh\",\"args\":[\"-c\",\"id\"]}}}";
        for (String tool : List.of("claude_request", "claude_request_async")) {
            JsonNode denied = gw.client.callTool(
                    tool, Map.of("prompt", "p", "workingDir", work.toString(), "mcpConfig", List.of(shell)));
            assertDenied(denied, "policy_denied");
            assertTrue(denied.get("structuredContent").get("error").asText().contains("mcpConfig"), denied.toString());
        }
        assertFalse(fakes.hasRun(ProviderId.CLAUDE));
        assertFalse(
                gw.client
                        .callTool("claude_request", Map.of("prompt", "p", "workingDir", work.toString()))
                        .get("isError")
                        .asBoolean(),
                "a request without mcpConfig runs");
    }

    @Test
    void codexConfigOverridesAreRefusedForSyncAndAsyncRequests() {
        for (String tool : List.of("codex_request", "codex_request_async")) {
            JsonNode denied = gw.client.callTool(
                    tool,
                    Map.of(
                            "prompt",
                            "p",
                            "workingDir",
                            work.toString(),
                            "configOverrides",
                            Map.of("sandbox_mode", "\"danger-full-access\"")));
            assertDenied(denied, "policy_denied");
            assertTrue(
                    denied.get("structuredContent").get("error").asText().contains("configOverrides"),
                    denied.toString());
        }
        assertFalse(fakes.hasRun(ProviderId.CODEX));
        assertFalse(
                gw.client
                        .callTool("codex_request", Map.of("prompt", "p", "workingDir", work.toString()))
                        .get("isError")
                        .asBoolean(),
                "a request without configOverrides runs");
    }

    @Test
    void codexBypassAndGeminiYoloAreRefusedButTheirOtherArgumentsRun() {
        for (String tool : List.of("codex_request", "codex_request_async", "gemini_request", "gemini_request_async")) {
            String argument = tool.startsWith("codex") ? "dangerouslyBypassApprovalsAndSandbox" : "yolo";
            JsonNode denied =
                    gw.client.callTool(tool, Map.of("prompt", "p", "workingDir", work.toString(), argument, true));
            assertDenied(denied, "policy_denied");
            assertTrue(denied.get("structuredContent").get("error").asText().contains(argument), denied.toString());
        }
        assertFalse(fakes.hasRun(ProviderId.CODEX));
        assertFalse(fakes.hasRun(ProviderId.GEMINI));
        assertFalse(
                gw.client
                        .callTool(
                                "gemini_request",
                                Map.of("prompt", "p", "workingDir", work.toString(), "yolo", false, "sandbox", true))
                        .get("isError")
                        .asBoolean(),
                "yolo:false runs");
        assertTrue(fakes.lastArgs(ProviderId.GEMINI).contains("--sandbox"));
    }
}
