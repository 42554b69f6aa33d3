package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.GatewayProcess;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shaded jar driving the real claude, codex and gemini CLIs (installed by scripts/install-clis.sh,
 * skipped otherwise) against {@link FakeModelApi}, through stdio JSON-RPC as an agent host would. Per CLI:
 * the first request creates a gw-* record holding the CLI's native session id; a request with that gw-* id
 * resumes the native session (the API sees 2 user turns); a request without sessionId uses the active
 * session; an API error comes back as errorCode cli_error.
 */
class RealCliGatewayIT extends RealCliFixture {
    /** Generous: the machine is shared and a gemini run alone costs ~2.5 s. */
    private static final int CALL_TIMEOUT_SECONDS = 120;

    @ParameterizedTest
    @EnumSource(RealCli.class)
    void gatewaySessionsCarryRealNativeSessions(RealCli cli) throws IOException {
        RealCliEnvironment env = environment(cli);
        String tool = cli.cliName() + "_request";
        String workingDir = env.workDir().toString();
        Map<String, String> gatewayEnv = env.environmentWith(Map.of(
                "LLM_GATEWAY_HOME",
                env.home().resolve("gateway-data").toString(),
                cli.commandVariable(),
                env.binary().toString()));

        try (GatewayProcess gateway = GatewayProcess.startIsolated(gatewayEnv)) {
            gateway.client.initialize();
            assertTrue(gateway.client.toolNames().contains(tool), "the gateway lists " + tool);

            JsonNode first = succeeded(gateway, tool, Map.of("prompt", "first question", "workingDir", workingDir));
            String sessionId = first.get("sessionId").asText();
            String nativeId = first.path("nativeSessionId").asText("");
            assertTrue(sessionId.startsWith("gw-"), first::toString);
            assertFalse(nativeId.isBlank(), () -> "the CLI's own session id is captured: " + first);
            assertEquals(
                    FakeModelApi.expectedReply(cli, 1, "first question"),
                    first.get("response").asText());
            assertFalse(first.get("resumed").asBoolean(), first::toString);
            assertEquals(
                    FakeModelApi.INPUT_TOKENS,
                    first.get("usage").get("inputTokens").asInt(),
                    first::toString);
            assertEquals(
                    FakeModelApi.OUTPUT_TOKENS,
                    first.get("usage").get("outputTokens").asInt(),
                    first::toString);
            assertEquals(
                    nativeId, record(gateway, sessionId).get("nativeSessionId").asText(), "stored on the gw-* record");

            JsonNode second = succeeded(
                    gateway,
                    tool,
                    Map.of("prompt", "second question", "sessionId", sessionId, "workingDir", workingDir));
            assertEquals(sessionId, second.get("sessionId").asText(), second::toString);
            assertEquals(nativeId, second.get("nativeSessionId").asText(), second::toString);
            assertTrue(second.get("resumed").asBoolean(), second::toString);
            assertEquals(
                    FakeModelApi.expectedReply(cli, 2, "second question"),
                    second.get("response").asText(),
                    "the resumed native session sent the first turn too");

            String activeId = succeeded(gateway, "session_create", Map.of("cli", cli.cliName(), "setAsActive", false))
                    .get("session")
                    .get("id")
                    .asText();
            assertEquals(
                    activeId,
                    succeeded(gateway, "session_set_active", Map.of("cli", cli.cliName(), "sessionId", activeId))
                            .get("activeSessionId")
                            .asText());
            JsonNode third = succeeded(gateway, tool, Map.of("prompt", "third question", "workingDir", workingDir));
            assertEquals(
                    activeId,
                    third.get("sessionId").asText(),
                    () -> "a request without sessionId runs under the active session: " + third);
            assertEquals(
                    FakeModelApi.expectedReply(cli, 1, "third question"),
                    third.get("response").asText(),
                    "the active record had no native session yet, so the run started fresh");
            assertNotEquals(nativeId, third.get("nativeSessionId").asText());
            assertEquals(
                    third.get("nativeSessionId").asText(),
                    record(gateway, activeId).get("nativeSessionId").asText());

            JsonNode failed = call(
                    gateway,
                    tool,
                    Map.of("prompt", "please fail FAKE_ERROR_400", "workingDir", workingDir, "createNewSession", true));
            assertTrue(failed.path("isError").asBoolean(), failed::toString);
            assertEquals(
                    "cli_error",
                    failed.get("structuredContent").get("errorCode").asText(),
                    failed::toString);
            assertFalse(failed.get("structuredContent").get("success").asBoolean());
        }
    }

    /**
     * claude's --max-turns (not in its help, accepted by the binary): a task that needs a tool call and a second
     * turn finishes without the limit and is stopped, as cli_error saying so, with maxTurns 1.
     */
    @Test
    void claudeMaxTurnsStopsALongerRun() throws IOException {
        RealCliEnvironment env = environment(RealCli.CLAUDE);
        String workingDir = env.workDir().toString();
        Map<String, String> gatewayEnv = env.environmentWith(Map.of(
                "LLM_GATEWAY_HOME",
                env.home().resolve("gateway-data").toString(),
                RealCli.CLAUDE.commandVariable(),
                env.binary().toString()));
        String prompt = "look something up " + FakeModelApi.TOOL_USE_TRIGGER;
        try (GatewayProcess gateway = GatewayProcess.startIsolated(gatewayEnv)) {
            gateway.client.initialize();
            JsonNode unlimited =
                    succeeded(gateway, "claude_request", Map.of("prompt", prompt, "workingDir", workingDir));
            assertEquals(
                    FakeModelApi.expectedReply(RealCli.CLAUDE, 1, prompt),
                    unlimited.get("response").asText());

            JsonNode stopped = call(
                    gateway,
                    "claude_request",
                    Map.of("prompt", prompt, "workingDir", workingDir, "maxTurns", 1, "createNewSession", true));
            assertTrue(stopped.path("isError").asBoolean(), stopped::toString);
            JsonNode error = stopped.get("structuredContent");
            assertEquals("cli_error", error.get("errorCode").asText(), stopped::toString);
            assertTrue(error.get("error").asText().contains("maxTurns"), stopped::toString);
        }
    }

    /** The structuredContent of a successful tool result. */
    private static JsonNode succeeded(GatewayProcess gateway, String tool, Map<String, ?> arguments) {
        JsonNode result = call(gateway, tool, arguments);
        assertFalse(
                result.path("isError").asBoolean(),
                () -> tool + " failed: " + result + "\ngateway stderr:\n" + gateway.stderr());
        JsonNode structured = result.get("structuredContent");
        assertTrue(structured.get("success").asBoolean(), result::toString);
        return structured;
    }

    private static JsonNode record(GatewayProcess gateway, String sessionId) {
        return succeeded(gateway, "session_get", Map.of("sessionId", sessionId)).get("session");
    }

    /** tools/call with a timeout that fits a real CLI run; a failure shows the gateway's log. */
    private static JsonNode call(GatewayProcess gateway, String tool, Map<String, ?> arguments) {
        try {
            return gateway.client.callTool(tool, arguments, CALL_TIMEOUT_SECONDS);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ngateway stderr:\n" + gateway.stderr(), e);
        }
    }
}
