package io.llmgateway.tools;

import static io.llmgateway.tools.PolicyProtocolTest.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy decides on the canonical request (model resolved, paths real, session resolved, defaults
 * filled in), and the CLI runs exactly that: through the real stdio transport with the fake CLIs.
 */
class PolicyNormalisationProtocolTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path home;

    @TempDir
    Path elsewhere;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:48Z"));
    private FakeClis fakes;
    private InProcessGateway gw;

    private void start(String toolsJson) throws Exception {
        Path policy = dataDir.resolve("policy.json");
        Files.writeString(policy, "{\"version\":\"1\",\"default\":\"allow\",\"tools\":{" + toolsJson + "}}");
        fakes = FakeClis.in(state);
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, fakes.environment()),
                new JsonFileSessionStore(dataDir, clock),
                clock,
                Map.of("LLM_GATEWAY_POLICY", policy.toString()));
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private JsonNode call(String tool, Map<String, ?> args) {
        return gw.client.callTool(tool, args);
    }

    private static String denyModels(String tool, String models) {
        return "\"" + tool + "\":{\"deny_if\":[{\"path\":\"args.model\",\"op\":\"in\",\"value\":[" + models + "]}]}";
    }

    @Test
    void everySpellingOfAModelMeetsTheRuleThatNamesIt() throws Exception {
        start(denyModels("claude_request", "\"opus\",\"claude-opus-4-8\"") + ","
                + denyModels("claude_request_async", "\"opus\",\"claude-opus-4-8\""));
        for (String model : List.of("Opus", "OPUS", "Claude-Opus-4-8", "claude-opus-4.8")) {
            assertDenied(
                    call("claude_request", Map.of("prompt", "p", "model", model, "workingDir", home.toString())),
                    "policy_denied");
            assertDenied(
                    call("claude_request_async", Map.of("prompt", "p", "model", model, "workingDir", home.toString())),
                    "policy_denied");
        }
        assertFalse(fakes.hasRun(ProviderId.CLAUDE), "no denied spelling reached the CLI");

        JsonNode sonnet =
                call("claude_request", Map.of("prompt", "p", "model", "Sonnet", "workingDir", home.toString()));
        assertFalse(sonnet.get("isError").asBoolean(), sonnet.toString());
        assertTrue(
                fakes.lastArgs(ProviderId.CLAUDE).contains("--model=sonnet"),
                "the canonical spelling runs: " + fakes.lastArgs(ProviderId.CLAUDE));
    }

    @Test
    void aRuleNamesAModelEitherByItsIdOrByAnAlias() throws Exception {
        start(denyModels("claude_request", "\"claude-opus-4-8\"") + "," + denyModels("codex_request", "\"gpt-6.1\""));
        for (String model : List.of("opus", "OPUS", "claude-opus-4.8")) {
            assertDenied(
                    call("claude_request", Map.of("prompt", "p", "model", model, "workingDir", home.toString())),
                    "policy_denied");
        }
        for (String model : List.of("gpt-6.1-sol", "GPT-6.1-Sol", "gpt-6.1")) {
            assertDenied(
                    call("codex_request", Map.of("prompt", "p", "model", model, "workingDir", home.toString())),
                    "policy_denied");
        }
        assertFalse(fakes.hasRun(ProviderId.CLAUDE) || fakes.hasRun(ProviderId.CODEX));
        JsonNode other = call("codex_request", Map.of("prompt", "p", "model", "gpt-6", "workingDir", home.toString()));
        assertFalse(other.get("isError").asBoolean(), other.toString());
        assertTrue(
                fakes.lastArgs(ProviderId.CODEX).contains("--model=gpt-6-sol"),
                fakes.lastArgs(ProviderId.CODEX).toString());
    }

    @Test
    void aSymlinkedWorkingDirIsJudgedByWhereItLeads() throws Exception {
        Path dev = Files.createDirectory(home.resolve("dev"));
        Path project = Files.createDirectory(dev.resolve("project"));
        Path escape = Files.createSymbolicLink(dev.resolve("escape"), elsewhere);
        Path alias = Files.createSymbolicLink(dev.resolve("alias"), project);
        String require = "\"require\":[{\"path\":\"args.workingDir\",\"op\":\"regex\",\"value\":\"^" + dev + "/\"}]";
        start("\"claude_request\":{" + require + "},\"codex_request_async\":{" + require + "}");

        assertDenied(call("claude_request", Map.of("prompt", "p", "workingDir", escape.toString())), "policy_denied");
        assertDenied(
                call("codex_request_async", Map.of("prompt", "p", "workingDir", escape.toString())), "policy_denied");
        assertDenied(
                call("claude_request", Map.of("prompt", "p", "workingDir", dev + "/project/../escape")),
                "policy_denied");
        assertDenied(call("claude_request", Map.of("prompt", "p")), "policy_denied");
        assertFalse(fakes.hasRun(ProviderId.CLAUDE) || fakes.hasRun(ProviderId.CODEX));

        JsonNode ok = call("claude_request", Map.of("prompt", "p", "workingDir", alias.toString()));
        assertFalse(ok.get("isError").asBoolean(), ok.toString());
        assertEquals(
                project.toRealPath(), fakes.lastWorkingDir(ProviderId.CLAUDE), "the directory that was checked runs");
    }

    @Test
    void everyAddDirIsJudgedAndPassedAsItsRealPath() throws Exception {
        Path project = Files.createDirectory(home.resolve("project"));
        Path escape = Files.createSymbolicLink(project.resolve("escape"), elsewhere);
        Path alias = Files.createSymbolicLink(home.resolve("alias"), project);
        String deny = "\"deny_if\":[{\"path\":\"args.addDir\",\"op\":\"contains\",\"value\":\"" + elsewhere.toRealPath()
                + "\"}]";
        start("\"claude_request\":{" + deny + "},\"cursor_request\":{" + deny + "}");

        assertDenied(
                call(
                        "claude_request",
                        Map.of(
                                "prompt",
                                "p",
                                "workingDir",
                                project.toString(),
                                "addDir",
                                List.of(project.toString(), escape.toString()))),
                "policy_denied");
        assertDenied(
                call(
                        "cursor_request",
                        Map.of("prompt", "p", "workingDir", project.toString(), "addDir", List.of(escape.toString()))),
                "policy_denied");
        assertFalse(fakes.hasRun(ProviderId.CLAUDE) || fakes.hasRun(ProviderId.CURSOR));

        JsonNode ok = call(
                "claude_request",
                Map.of("prompt", "p", "workingDir", project.toString(), "addDir", List.of(alias.toString())));
        assertFalse(ok.get("isError").asBoolean(), ok.toString());
        assertTrue(
                fakes.lastArgs(ProviderId.CLAUDE).contains("--add-dir=" + project.toRealPath()),
                fakes.lastArgs(ProviderId.CLAUDE).toString());
    }

    @Test
    void theRulesSeeTheResolvedSessionAndTheDefaults() throws Exception {
        start("\"gemini_request\":{\"deny_if\":[{\"path\":\"args.timeoutMs\",\"op\":\"gt\",\"value\":600000,"
                + "\"reason\":\"at most 10 minutes\"}]},"
                + "\"codex_request\":{\"require\":[{\"path\":\"args.sessionId\",\"op\":\"exists\"}]}");
        JsonNode slow = call("gemini_request", Map.of("prompt", "p", "workingDir", home.toString()));
        assertDenied(slow, "policy_denied");
        assertTrue(slow.get("structuredContent").get("error").asText().contains("at most 10 minutes"), slow.toString());
        assertFalse(call("gemini_request", Map.of("prompt", "p", "workingDir", home.toString(), "timeoutMs", 600_000))
                .get("isError")
                .asBoolean());

        assertDenied(call("codex_request", Map.of("prompt", "p", "workingDir", home.toString())), "policy_denied");
        String active = call("session_create", Map.of("cli", "codex"))
                .get("structuredContent")
                .get("session")
                .get("id")
                .asText();
        JsonNode underActive = call("codex_request", Map.of("prompt", "p", "workingDir", home.toString()));
        assertFalse(underActive.get("isError").asBoolean(), underActive.toString());
        assertEquals(
                active, underActive.get("structuredContent").get("sessionId").asText());
    }
}
