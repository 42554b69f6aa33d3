package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real claude, codex and gemini CLIs, run directly (no gateway) against {@link FakeModelApi}: proves
 * the offline fixtures that the gateway tests and the overhead benchmark build on. For each CLI: a first
 * request, a resume of the same native session that carries the history, and an API error.
 * Skipped when scripts/install-clis.sh has not been run.
 */
class RealCliBareIT extends RealCliFixture {
    private static final Duration HARD_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper MAPPER = Json.newMapper();

    @Test
    void claudeAnswersResumesWithHistoryAndReportsApiErrors() {
        RealCliEnvironment claude = environment(RealCli.CLAUDE);

        CliProcess.Outcome first = run(claude, "first question", "-p", "--output-format", "json");
        JsonNode firstResult = json(first, first.stdout());
        assertEquals(0, first.exitCode(), first::toString);
        assertFalse(firstResult.get("is_error").asBoolean(), first::toString);
        assertReply(firstResult.get("result").asText(), RealCli.CLAUDE, 1, "first question");
        assertEquals(
                FakeModelApi.INPUT_TOKENS,
                firstResult.get("usage").get("input_tokens").asInt());
        String sessionId = firstResult.get("session_id").asText();

        CliProcess.Outcome resumed =
                run(claude, "second question", "-p", "--output-format", "json", "--resume", sessionId);
        JsonNode resumedResult = json(resumed, resumed.stdout());
        assertEquals(0, resumed.exitCode(), resumed::toString);
        assertEquals(sessionId, resumedResult.get("session_id").asText(), "a resume keeps the session id");
        assertReply(resumedResult.get("result").asText(), RealCli.CLAUDE, 2, "second question");

        CliProcess.Outcome failed = run(claude, "please fail FAKE_ERROR_500", "-p", "--output-format", "json");
        JsonNode failedResult = json(failed, failed.stdout());
        assertEquals(1, failed.exitCode(), failed::toString);
        assertTrue(failedResult.get("is_error").asBoolean(), failed::toString);
        assertEquals(500, failedResult.get("api_error_status").asInt(), failed::toString);
        assertTrue(failedResult.get("result").asText().contains("fake error 500"), failed::toString);
    }

    @Test
    void codexAnswersResumesWithHistoryAndReportsApiErrors() {
        RealCliEnvironment codex = environment(RealCli.CODEX);

        CliProcess.Outcome first = run(codex, "first question", "exec", "--json", "--skip-git-repo-check", "-");
        assertEquals(0, first.exitCode(), first::toString);
        String threadId = codexEvent(first, "thread.started").get("thread_id").asText();
        assertReply(
                codexEvent(first, "item.completed").get("item").get("text").asText(),
                RealCli.CODEX,
                1,
                "first question");
        assertEquals(
                FakeModelApi.OUTPUT_TOKENS,
                codexEvent(first, "turn.completed")
                        .get("usage")
                        .get("output_tokens")
                        .asInt());

        CliProcess.Outcome resumed =
                run(codex, "second question", "exec", "resume", "--json", "--skip-git-repo-check", threadId, "-");
        assertEquals(0, resumed.exitCode(), resumed::toString);
        assertEquals(
                threadId,
                codexEvent(resumed, "thread.started").get("thread_id").asText(),
                "a resume keeps the thread id");
        assertReply(
                codexEvent(resumed, "item.completed").get("item").get("text").asText(),
                RealCli.CODEX,
                2,
                "second question");

        // With stream_max_retries=0 every status fails at once; 400 keeps the fake's message (500 reads "high demand").
        CliProcess.Outcome failed =
                run(codex, "please fail FAKE_ERROR_400", "exec", "--json", "--skip-git-repo-check", "-");
        assertEquals(1, failed.exitCode(), failed::toString);
        assertTrue(
                codexEvent(failed, "turn.failed")
                        .get("error")
                        .get("message")
                        .asText()
                        .contains("fake error 400"),
                failed::toString);
    }

    @Test
    void geminiAnswersResumesWithHistoryAndReportsApiErrors() {
        RealCliEnvironment gemini = environment(RealCli.GEMINI);

        CliProcess.Outcome first = run(gemini, "", "-p", "first question", "-o", "json", "--skip-trust");
        JsonNode firstResult = json(first, first.stdout());
        assertEquals(0, first.exitCode(), first::toString);
        assertReply(firstResult.get("response").asText(), RealCli.GEMINI, 1, "first question");
        String sessionId = firstResult.get("session_id").asText();

        CliProcess.Outcome resumed =
                run(gemini, "", "-p", "second question", "-o", "json", "--skip-trust", "--resume", sessionId);
        JsonNode resumedResult = json(resumed, resumed.stdout());
        assertEquals(0, resumed.exitCode(), resumed::toString);
        assertEquals(sessionId, resumedResult.get("session_id").asText(), "a resume keeps the session id");
        assertReply(resumedResult.get("response").asText(), RealCli.GEMINI, 2, "second question");

        // In json mode the error object goes to stderr and the exit code is the HTTP status & 0xFF.
        CliProcess.Outcome failed = run(gemini, "", "-p", "please fail FAKE_ERROR_400", "-o", "json", "--skip-trust");
        assertEquals(400 & 0xFF, failed.exitCode(), failed::toString);
        String errorJson = failed.stderr().substring(failed.stderr().lastIndexOf("\n{") + 1);
        assertEquals(400, json(failed, errorJson).get("error").get("code").asInt(), failed::toString);
        assertEquals(
                1,
                api.posts(RealCliEnvironment.GEMINI_MODEL + ":streamGenerateContent").stream()
                        .filter(r -> r.body().contains("FAKE_ERROR_400"))
                        .count(),
                "maxAttempts 1: no retry");
    }

    private static CliProcess.Outcome run(RealCliEnvironment env, String stdin, String... args) {
        return CliProcess.run(
                env.command(args), env.environment(), env.workDir(), stdin, HARD_TIMEOUT, root.resolve("capture"));
    }

    private static void assertReply(String reply, RealCli cli, int userMessages, String lastUserText) {
        assertEquals(FakeModelApi.expectedReply(cli, userMessages, lastUserText), reply);
    }

    private static JsonNode json(CliProcess.Outcome outcome, String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + outcome, e);
        }
    }

    /** The last `codex exec --json` event of that type. */
    private static JsonNode codexEvent(CliProcess.Outcome outcome, String type) {
        List<JsonNode> events = outcome.stdout()
                .lines()
                .filter(l -> l.startsWith("{"))
                .map(l -> json(outcome, l))
                .filter(e -> e.path("type").asText().equals(type))
                .toList();
        assertFalse(events.isEmpty(), () -> "no " + type + " event: " + outcome);
        return events.get(events.size() - 1);
    }
}
