package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionStore;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seven <cli>_request tools through the real stdio transport, running fake CLIs (bash scripts). */
class ProviderRequestProtocolTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path work;

    @TempDir
    Path otherWork;

    private FakeClis fakes;
    private InProcessGateway gw;

    @BeforeEach
    void start() {
        fakes = FakeClis.in(state);
        startGateway(InProcessGateway.config(dataDir, fakes.environment()));
    }

    private void startGateway(GatewayConfig config) {
        if (gw != null) {
            gw.close();
        }
        gw = new InProcessGateway(
                config, new InMemorySessionStore(), new MutableClock(Instant.parse("2026-11-22T10:00:00Z")));
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        gw.close();
        assertTrue(gw.client.nonJsonRpcLines().isEmpty());
        assertEquals(
                List.of(),
                ProcessHandle.current()
                        .descendants()
                        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                        .toList(),
                "no CLI process survives a request");
    }

    @Test
    void listsSevenRequestToolsWithContractAnnotationsAndProviderOptions() {
        JsonNode tools = gw.client.request("tools/list", Map.of()).get("result").get("tools");
        Map<String, JsonNode> byName = new HashMap<>();
        tools.forEach(t -> byName.put(t.get("name").asText(), t));
        for (ProviderId cli : ProviderId.values()) {
            JsonNode tool = byName.get(cli.wireName() + "_request");
            JsonNode a = tool.get("annotations");
            assertEquals(
                    "FTFT",
                    flag(a, "readOnlyHint")
                            + flag(a, "destructiveHint")
                            + flag(a, "idempotentHint")
                            + flag(a, "openWorldHint"),
                    cli.wireName());
            assertTrue(tool.get("description").asText().length() <= 1000);
            JsonNode input = tool.get("inputSchema");
            assertFalse(input.get("additionalProperties").asBoolean(true));
            assertEquals("prompt", input.get("required").get(0).asText());
            for (String common : List.of(
                    "model",
                    "sessionId",
                    "createNewSession",
                    "resumeLatest",
                    "workingDir",
                    "timeoutMs",
                    "idleTimeoutMs",
                    "correlationId")) {
                assertTrue(input.get("properties").has(common), cli + " " + common);
            }
            JsonNode output = tool.get("outputSchema").get("properties");
            for (String field : List.of(
                    "response",
                    "sessionId",
                    "nativeSessionId",
                    "resumed",
                    "usage",
                    "costUsd",
                    "durationMs",
                    "exitCode",
                    "retryCount",
                    "correlationId",
                    "truncated",
                    "warnings")) {
                assertTrue(output.has(field), cli + " " + field);
            }
        }
        JsonNode claude = byName.get("claude_request").get("inputSchema").get("properties");
        assertTrue(claude.get("permissionMode").get("enum").toString().contains("bypassPermissions"));
        assertEquals("array", claude.get("allowedTools").get("type").asText());
        assertEquals(
                "object",
                byName.get("codex_request")
                        .get("inputSchema")
                        .get("properties")
                        .get("configOverrides")
                        .get("type")
                        .asText());
        assertEquals(
                "boolean",
                byName.get("gemini_request")
                        .get("inputSchema")
                        .get("properties")
                        .get("trustWorkspace")
                        .get("type")
                        .asText());
    }

    private static String flag(JsonNode annotations, String name) {
        return annotations.get(name).asBoolean() ? "T" : "F";
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "codex", "gemini"})
    void theFiveContinuityRules(String cli) {
        // 5, nothing active: a fresh conversation on a new session that is not made active.
        JsonNode first = ok(cli, Map.of("prompt", "one", "workingDir", work.toString()));
        assertFalse(first.get("resumed").asBoolean());
        assertContext(first, 1);
        String gw1 = first.get("sessionId").asText();
        String native1 = first.get("nativeSessionId").asText();
        assertTrue(gw1.startsWith("gw-"));
        assertTrue(activeSession(cli).isNull(), "request-created sessions are not made active");
        JsonNode stored = session(gw1);
        assertEquals(native1, stored.get("nativeSessionId").asText());
        assertEquals(work.toString(), stored.get("metadata").get("workingDir").asText());

        // 2: a gw id continues its native conversation, in the directory it ran in.
        JsonNode second = ok(cli, Map.of("prompt", "two", "sessionId", gw1));
        assertTrue(second.get("resumed").asBoolean());
        assertContext(second, 2);
        assertEquals(gw1, second.get("sessionId").asText());
        assertEquals(native1, second.get("nativeSessionId").asText());
        assertEquals(work, fakes.lastWorkingDir(ProviderId.fromWireName(cli).orElseThrow()));

        // 1: createNewSession starts afresh on a new record.
        JsonNode fresh = ok(cli, Map.of("prompt", "three", "createNewSession", true, "workingDir", work.toString()));
        assertFalse(fresh.get("resumed").asBoolean());
        assertContext(fresh, 1);
        String gw2 = fresh.get("sessionId").asText();
        String native2 = fresh.get("nativeSessionId").asText();
        assertNotEquals(gw1, gw2);
        assertNotEquals(native1, native2);

        // 3: a native id resumes that conversation, under the record mapping to it.
        JsonNode byNative = ok(cli, Map.of("prompt", "four", "sessionId", native1, "workingDir", work.toString()));
        assertTrue(byNative.get("resumed").asBoolean());
        assertContext(byNative, 3);
        assertEquals(gw1, byNative.get("sessionId").asText());

        // 4: resumeLatest uses the CLI's own "latest" (the conversation just continued) and finds its record.
        JsonNode latest = ok(cli, Map.of("prompt", "five", "resumeLatest", true, "workingDir", work.toString()));
        assertTrue(latest.get("resumed").asBoolean());
        assertContext(latest, 4);
        assertEquals(gw1, latest.get("sessionId").asText());

        // 5, with an active session: it is continued.
        gw.client.callTool("session_set_active", Map.of("cli", cli, "sessionId", gw2));
        JsonNode active = ok(cli, Map.of("prompt", "six"));
        assertEquals(gw2, active.get("sessionId").asText());
        assertTrue(active.get("resumed").asBoolean());
        assertContext(active, 2);

        // 2 on a record without a native id yet: fresh, and the native id is recorded on it.
        String gw3 = gw.client
                .callTool("session_create", Map.of("cli", cli, "setAsActive", false))
                .get("structuredContent")
                .get("session")
                .get("id")
                .asText();
        JsonNode adopted = ok(cli, Map.of("prompt", "seven", "sessionId", gw3, "workingDir", work.toString()));
        assertFalse(adopted.get("resumed").asBoolean());
        assertEquals(gw3, adopted.get("sessionId").asText());
        assertEquals(
                adopted.get("nativeSessionId").asText(),
                session(gw3).get("nativeSessionId").asText());
        assertContext(ok(cli, Map.of("prompt", "eight", "sessionId", gw3)), 2);

        // 3 for a native id no record maps to: a new record is created for it.
        gw.client.callTool("session_delete", Map.of("sessionId", gw2));
        JsonNode orphan = ok(cli, Map.of("prompt", "nine", "sessionId", native2, "workingDir", work.toString()));
        assertContext(orphan, 3);
        String gw4 = orphan.get("sessionId").asText();
        assertFalse(List.of(gw1, gw2, gw3).contains(gw4));
        assertEquals(native2, session(gw4).get("nativeSessionId").asText());

        if (cli.equals("codex")) {
            // Codex reports usage cumulatively over a thread; the gateway reports each request's share.
            for (JsonNode r : List.of(first, second, fresh, byNative, latest, active, adopted)) {
                assertEquals(11, r.get("usage").get("inputTokens").asInt(), r.toString());
                assertEquals(7, r.get("usage").get("outputTokens").asInt());
            }
            assertTrue(
                    orphan.get("usage").get("inputTokens").isNull(), "no earlier totals for a thread seen first now");
            assertTrue(orphan.get("warnings").toString().contains("cumulatively"));
        }
    }

    @Test
    void successResultCarriesUsageCostModelAndTheReplyAsText() {
        JsonNode result = gw.client.callTool(
                "claude_request", Map.of("prompt", "hello", "workingDir", work.toString(), "correlationId", "corr-1"));
        assertFalse(result.get("isError").asBoolean());
        JsonNode s = result.get("structuredContent");
        // A host that shows its model only text (Gemini CLI) still learns the session to continue.
        assertEquals(
                s.get("response").asText() + "\n\n[gateway] session "
                        + s.get("sessionId").asText() + " · claude · "
                        + String.format(
                                java.util.Locale.ROOT,
                                "%.1f s",
                                s.get("durationMs").asLong() / 1000.0) + " · $0.0002",
                result.get("content").get(0).get("text").asText());
        assertFalse(s.get("response").asText().contains("[gateway]"), "structuredContent keeps the reply alone");
        assertEquals("claude", s.get("cli").asText());
        assertEquals("claude-fake-1", s.get("model").asText());
        assertEquals(11, s.get("usage").get("inputTokens").asInt());
        assertEquals(7, s.get("usage").get("outputTokens").asInt());
        assertEquals(3, s.get("usage").get("cacheReadTokens").asInt());
        assertEquals(2, s.get("usage").get("cacheCreationTokens").asInt());
        assertEquals(0.00023, s.get("costUsd").asDouble());
        assertEquals(0, s.get("exitCode").asInt());
        assertEquals(0, s.get("retryCount").asInt(-1), "the original's retryCount: the CLI ran once");
        assertTrue(s.get("durationMs").asLong() >= 0);
        assertEquals("corr-1", s.get("correlationId").asText());
        assertFalse(s.get("truncated").asBoolean());
        assertEquals(0, s.get("warnings").size());
        assertFalse(
                ok("gemini", Map.of("prompt", "x", "workingDir", work.toString()))
                        .get("correlationId")
                        .asText()
                        .isBlank(),
                "a correlation id is generated when absent");
    }

    @Test
    void promptsReachTheCliIntactAndNeverAsOptions() {
        ok("claude", Map.of("prompt", "--version", "workingDir", work.toString()));
        assertEquals("--version", fakes.lastStdin(ProviderId.CLAUDE));
        assertFalse(fakes.lastArgs(ProviderId.CLAUDE).contains("--version"));
        ok("codex", Map.of("prompt", "-h", "workingDir", work.toString()));
        assertEquals("-h", fakes.lastStdin(ProviderId.CODEX));
        for (String cli : List.of("grok", "mistral", "devin", "cursor")) {
            JsonNode r = ok(cli, Map.of("prompt", "-rf everything", "workingDir", work.toString()));
            assertTrue(r.get("response").asText().contains("prompt: -rf everything"), cli + ": " + r.get("response"));
        }
    }

    @Test
    void providersWithoutSessionIdsSayTheyCannotBeContinuedByTheGateway() {
        JsonNode first = ok("devin", Map.of("prompt", "one", "workingDir", work.toString()));
        assertFalse(first.get("resumed").asBoolean());
        assertTrue(first.get("nativeSessionId").isNull());
        assertTrue(first.get("warnings").toString().contains("did not report a session id"), first.toString());
        String gw1 = first.get("sessionId").asText();

        JsonNode again = ok("devin", Map.of("prompt", "two", "sessionId", gw1));
        assertFalse(again.get("resumed").asBoolean(), "never pretends to continue");
        assertContext(again, 1);
        assertTrue(again.get("warnings").toString().contains("did not report a session id"));

        JsonNode latest = ok("devin", Map.of("prompt", "three", "resumeLatest", true, "workingDir", work.toString()));
        assertTrue(latest.get("resumed").asBoolean());
        assertContext(latest, 2);

        JsonNode vibe =
                ok("mistral", Map.of("prompt", "hi", "model", "mistral-medium-3.5", "workingDir", work.toString()));
        assertTrue(
                vibe.get("response").asText().contains("model mistral-medium-3.5"),
                "the model goes in VIBE_ACTIVE_MODEL");
        assertEquals("mistral-medium-3.5", vibe.get("model").asText());
        assertTrue(vibe.get("warnings").toString().contains("did not report a session id"));
    }

    @Test
    void grokAndCursorSessionsAreContinued() {
        for (String cli : List.of("grok", "cursor")) {
            JsonNode first = ok(cli, Map.of("prompt", "one", "workingDir", work.toString()));
            assertFalse(first.get("nativeSessionId").isNull());
            JsonNode second = ok(
                    cli,
                    Map.of("prompt", "two", "sessionId", first.get("sessionId").asText()));
            assertTrue(second.get("resumed").asBoolean());
            assertContext(second, 2);
            assertEquals(first.get("nativeSessionId"), second.get("nativeSessionId"));
        }
    }

    @Test
    void aRunningRequestDoesNotHoldUpOtherCalls() throws Exception {
        int waiting = gw.client.send(
                "tools/call",
                Map.of(
                        "name",
                        "claude_request",
                        "arguments",
                        Map.of("prompt", "FAKE_GATE", "workingDir", work.toString())));
        awaitGate();
        assertContext(ok("codex", Map.of("prompt", "meanwhile", "workingDir", work.toString())), 1);
        assertEquals(
                1,
                gw.client
                        .callTool("session_list", Map.of())
                        .get("structuredContent")
                        .get("total")
                        .asInt(),
                "only the codex session exists: the claude request is still running");
        Files.createFile(state.resolve("gate"));
        JsonNode released = gw.client.awaitResponse(waiting).get("result");
        assertFalse(released.get("isError").asBoolean(), released.toString());
    }

    @Test
    void aSessionDeletedWhileItsRequestRunsIsNotLost() throws Exception {
        String gw1 = ok("codex", Map.of("prompt", "one", "workingDir", work.toString()))
                .get("sessionId")
                .asText();
        int running = gw.client.send(
                "tools/call",
                Map.of("name", "codex_request", "arguments", Map.of("prompt", "FAKE_GATE", "sessionId", gw1)));
        awaitGate();
        gw.client.callTool("session_delete", Map.of("sessionId", gw1));
        Files.createFile(state.resolve("gate"));
        JsonNode result = gw.client.awaitResponse(running).get("result").get("structuredContent");
        assertContext(result, 2);
        assertNotEquals(gw1, result.get("sessionId").asText());
        assertTrue(result.get("warnings").toString().contains("was deleted or expired while the request ran"));
        assertEquals(
                result.get("nativeSessionId").asText(),
                session(result.get("sessionId").asText()).get("nativeSessionId").asText());
    }

    @Test
    void optionsBecomeCliFlags() {
        ok(
                "claude",
                Map.of(
                        "prompt",
                        "p",
                        "workingDir",
                        work.toString(),
                        "permissionMode",
                        "plan",
                        "allowedTools",
                        List.of("Bash(git *)")));
        assertTrue(fakes.lastArgs(ProviderId.CLAUDE)
                .containsAll(List.of("--permission-mode=plan", "--allowed-tools=Bash(git *)")));
        JsonNode r = ok(
                "codex",
                Map.of(
                        "prompt",
                        "p",
                        "workingDir",
                        work.toString(),
                        "sandboxMode",
                        "read-only",
                        "outputSchema",
                        Map.of("type", "object")));
        List<String> args = fakes.lastArgs(ProviderId.CODEX);
        assertTrue(args.contains("--sandbox=read-only"));
        String schemaFile = args.stream()
                .filter(a -> a.startsWith("--output-schema="))
                .findFirst()
                .orElseThrow()
                .substring("--output-schema=".length());
        assertEquals("{\"type\":\"object\"}", fakes.stateFile("codex.output-schema"));
        assertFalse(Files.exists(Path.of(schemaFile)), "the schema file is deleted after the run");
        assertEquals(0, r.get("exitCode").asInt());
    }

    @Test
    void aNestedClaudeCodeGuardInTheGatewaysEnvironmentIsNotPassedOn() {
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("CLAUDECODE", "1");
        startGateway(InProcessGateway.config(dataDir, env));
        ok("claude", Map.of("prompt", "p", "workingDir", work.toString()));
        assertFalse(fakes.lastEnvironment(ProviderId.CLAUDE).contains("CLAUDECODE="));
    }

    @Test
    void perDirectoryConversationsResumeOnlyWhereTheyRan() {
        String gw1 = ok("claude", Map.of("prompt", "one", "workingDir", work.toString()))
                .get("sessionId")
                .asText();
        JsonNode elsewhere = fail(
                "claude",
                Map.of("prompt", "two", "sessionId", gw1, "workingDir", otherWork.toString()),
                "invalid_argument");
        assertTrue(elsewhere.get("error").asText().contains(work.toString()));
        assertContext(ok("claude", Map.of("prompt", "two", "sessionId", gw1, "workingDir", work.toString())), 2);
        // Codex threads are not tied to a directory: a resume may run elsewhere.
        String gw2 = ok("codex", Map.of("prompt", "one", "workingDir", work.toString()))
                .get("sessionId")
                .asText();
        assertContext(ok("codex", Map.of("prompt", "two", "sessionId", gw2, "workingDir", otherWork.toString())), 2);
        assertEquals(otherWork, fakes.lastWorkingDir(ProviderId.CODEX));
    }

    @Test
    void sessionErrors() {
        JsonNode unknownNative = fail(
                "claude",
                Map.of("prompt", "p", "sessionId", "0000-dead", "workingDir", work.toString()),
                "session_not_found");
        assertTrue(unknownNative.get("error").asText().contains("0000-dead"));
        assertEquals(1, unknownNative.get("exitCode").asInt());
        assertTrue(unknownNative.get("stderrExcerpt").asText().contains("No conversation found"));
        fail(
                "codex",
                Map.of("prompt", "p", "sessionId", "no-such-thread", "workingDir", work.toString()),
                "session_not_found");
        fail(
                "gemini",
                Map.of("prompt", "p", "sessionId", "no-such-session", "workingDir", work.toString()),
                "session_not_found");
        fail(
                "gemini",
                Map.of("prompt", "p", "resumeLatest", true, "workingDir", otherWork.toString()),
                "session_not_found");
        fail(
                "devin",
                Map.of("prompt", "p", "sessionId", "no-such-session", "workingDir", work.toString()),
                "session_not_found");
        fail(
                "claude",
                Map.of("prompt", "p", "sessionId", "gw-00000000-0000-0000-0000-000000000000"),
                "session_not_found");

        String codexSession = gw.client
                .callTool("session_create", Map.of("cli", "codex"))
                .get("structuredContent")
                .get("session")
                .get("id")
                .asText();
        JsonNode mismatch = fail("claude", Map.of("prompt", "p", "sessionId", codexSession), "provider_mismatch");
        assertTrue(mismatch.get("error").asText().contains("codex_request"));
    }

    @Test
    void notLoggedInIsAuthRequiredNamingTheLoginCommand() {
        Map<String, String> login = Map.of(
                "claude",
                "claude auth login",
                "codex",
                "codex login",
                "gemini",
                "GEMINI_API_KEY",
                "grok",
                "grok login",
                "mistral",
                "vibe --setup",
                "devin",
                "devin auth login",
                "cursor",
                "cursor-agent login");
        login.forEach((cli, hint) -> {
            JsonNode error = fail(cli, Map.of("prompt", "FAKE_AUTH", "workingDir", work.toString()), "auth_required");
            assertTrue(error.get("error").asText().contains(hint), cli + ": " + error.get("error"));
            assertTrue(error.has("exitCode") && error.has("stderrExcerpt"));
        });
    }

    @Test
    void apiErrorsAreCliErrorsWithTheProvidersOwnMessage() {
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("ANTHROPIC_API_KEY", "sk-ant-very-secret-value");
        startGateway(InProcessGateway.config(dataDir, env));
        JsonNode claude =
                fail("claude", Map.of("prompt", "FAKE_API_ERROR", "workingDir", work.toString()), "cli_error");
        assertTrue(claude.get("error").asText().contains("API Error: 500 fake error 500"));
        assertEquals(1, claude.get("exitCode").asInt());
        assertTrue(claude.get("stderrExcerpt").asText().contains("[redacted]"));
        assertFalse(claude.toString().contains("sk-ant-very-secret-value"), "secrets never appear in errors");

        JsonNode codex = fail("codex", Map.of("prompt", "FAKE_API_ERROR", "workingDir", work.toString()), "cli_error");
        assertTrue(codex.get("error").asText().contains("fake error 400 (invalid_request_error)"));
        JsonNode gemini =
                fail("gemini", Map.of("prompt", "FAKE_API_ERROR", "workingDir", work.toString()), "cli_error");
        assertTrue(gemini.get("error").asText().contains("exited with code 144: fake error 400 (INVALID_ARGUMENT)"));
        assertEquals(144, gemini.get("exitCode").asInt());
        JsonNode grok = fail("grok", Map.of("prompt", "FAKE_API_ERROR", "workingDir", work.toString()), "cli_error");
        assertTrue(grok.get("error").asText().contains("HTTP 500: fake error 500"));
    }

    @Test
    void secretsTheCliPrintsNeverReachTheReplyTheErrorOrItsExcerpts() {
        String key = "sk-ant-api03-" + "Q".repeat(80) + "AA";
        String token = "plain words of the service token";
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("ANTHROPIC_API_KEY", key);
        env.put("MY_SERVICE_TOKEN", token);
        startGateway(InProcessGateway.config(dataDir, env));
        JsonNode result =
                gw.client.callTool("claude_request", Map.of("prompt", "FAKE_LEAK", "workingDir", work.toString()));
        assertFalse(result.get("isError").asBoolean(), result::toString);
        assertTrue(
                result.get("structuredContent")
                        .get("response")
                        .asText()
                        .endsWith("your key is [redacted] and the token [redacted]"),
                result::toString);
        assertFalse(result.toString().contains("QQQQ") || result.toString().contains(token), result::toString);

        // The key is cut by the 2 KB excerpt: redacted first, so no tail of it is left.
        JsonNode error =
                fail("claude", Map.of("prompt", "FAKE_LEAK_ERROR", "workingDir", work.toString()), "cli_error");
        String excerpt = error.get("stderrExcerpt").asText();
        assertTrue(excerpt.endsWith("xxxx") && excerpt.length() > 2000, excerpt);
        assertFalse(error.toString().contains("QQ"), error::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "codex", "gemini", "grok", "cursor"})
    void aSessionIdTheCliReportsIsCheckedLikeACallersAndNeverPassedBackAsAnOption(String cli) {
        JsonNode first = ok(cli, Map.of("prompt", "FAKE_FLAG_ID", "workingDir", work.toString()));
        assertTrue(first.get("nativeSessionId").isNull(), first::toString);
        assertTrue(
                first.get("warnings").toString().contains("reported a session id the gateway does not accept"),
                first::toString);
        String sessionId = first.get("sessionId").asText();
        assertTrue(session(sessionId).get("nativeSessionId").isNull(), "not stored");

        JsonNode second = ok(cli, Map.of("prompt", "again", "sessionId", sessionId));
        assertFalse(second.get("resumed").asBoolean(), second::toString);
        List<String> args = fakes.lastArgs(ProviderId.fromWireName(cli).orElseThrow());
        assertTrue(args.stream().noneMatch(a -> a.contains("dangerously")), () -> cli + " got " + args);
    }

    @Test
    void aStoredNativeIdThatLooksLikeAnOptionIsRefusedRatherThanPassedOn() {
        InMemorySessionStore store = new InMemorySessionStore();
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        store.update(state -> SessionStore.Transaction.of(
                null,
                new SessionChange.Put(new SessionRecord(
                        "gw-planted",
                        ProviderId.CODEX,
                        "planted",
                        now,
                        now,
                        "--dangerously-bypass-approvals-and-sandbox",
                        Map.of(),
                        null))));
        gw.close();
        gw = new InProcessGateway(InProcessGateway.config(dataDir, fakes.environment()), store, new MutableClock(now));
        gw.client.initialize();
        JsonNode error = fail("codex", Map.of("prompt", "p", "sessionId", "gw-planted"), "invalid_argument");
        assertTrue(error.get("error").asText().contains("createNewSession"), error::toString);
        assertFalse(fakes.hasRun(ProviderId.CODEX));
    }

    @Test
    void codexResumesAThreadIdThatCannotBeReadAsAnOption() {
        JsonNode first = ok("codex", Map.of("prompt", "one", "workingDir", work.toString()));
        ok("codex", Map.of("prompt", "two", "sessionId", first.get("sessionId").asText()));
        List<String> args = fakes.lastArgs(ProviderId.CODEX);
        int resume = args.indexOf("resume");
        assertEquals(
                List.of("resume", "--", first.get("nativeSessionId").asText(), "-"), args.subList(resume, args.size()));
    }

    @Test
    void knownCliFailuresGetTheirOwnExplanation() {
        JsonNode empty = fail("grok", Map.of("prompt", "FAKE_EMPTY", "workingDir", work.toString()), "cli_error");
        assertTrue(empty.get("error").asText().contains("known Grok failure"));
        assertEquals(0, empty.get("exitCode").asInt());
        assertTrue(fail("mistral", Map.of("prompt", "FAKE_EMPTY", "workingDir", work.toString()), "cli_error")
                .get("error")
                .asText()
                .contains("known Vibe failure"));
        JsonNode untrusted = fail(
                "gemini", Map.of("prompt", "p", "trustWorkspace", false, "workingDir", work.toString()), "cli_error");
        assertTrue(untrusted.get("error").asText().contains("trustWorkspace"));
        assertEquals(55, untrusted.get("exitCode").asInt());
        assertEquals("cli_error", untrusted.get("errorCategory").asText());
        assertTrue(fail(
                        "cursor",
                        Map.of("prompt", "p", "trustWorkspace", false, "workingDir", work.toString()),
                        "cli_error")
                .get("error")
                .asText()
                .contains("trustWorkspace"));
    }

    @Test
    void missingExecutableIsCliNotFoundNamingTheOverrideVariable() {
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("LLM_GATEWAY_CLAUDE_COMMAND", work.resolve("no-such-claude").toString());
        env.remove("LLM_GATEWAY_CODEX_COMMAND");
        env.put("PATH", work.toString());
        startGateway(InProcessGateway.config(dataDir, env));
        JsonNode overridden = fail("claude", Map.of("prompt", "p", "workingDir", work.toString()), "cli_not_found");
        assertTrue(overridden.get("error").asText().contains("LLM_GATEWAY_CLAUDE_COMMAND"));
        assertEquals("spawn_error", overridden.get("errorCategory").asText());
        assertFalse(overridden.get("error").asText().contains("no-such-claude"), "environment values are not echoed");
        JsonNode onPath = fail("codex", Map.of("prompt", "p", "workingDir", work.toString()), "cli_not_found");
        assertTrue(onPath.get("error").asText().contains("'codex'"));
        assertTrue(onPath.get("error").asText().contains("LLM_GATEWAY_CODEX_COMMAND"));
    }

    @Test
    void limitsStopTheWholeProcessTree() {
        JsonNode timeout = fail(
                "claude", Map.of("prompt", "FAKE_SLEEP", "timeoutMs", 300, "workingDir", work.toString()), "timeout");
        assertEquals(124, timeout.get("exitCode").asInt());
        assertEquals("timeout", timeout.get("errorCategory").asText(), "the original's category, beside errorCode");
        assertTrue(timeout.get("error").asText().contains("timeoutMs"));

        JsonNode idle = fail(
                "claude",
                Map.of("prompt", "FAKE_SILENT", "idleTimeoutMs", 300, "workingDir", work.toString()),
                "idle_timeout");
        assertEquals(125, idle.get("exitCode").asInt());
        assertEquals("idle_timeout", idle.get("errorCategory").asText());
        assertFalse(idle.get("nativeSessionId").asText().isBlank(), "the session id printed before the stop is kept");

        startGateway(new GatewayConfig(
                dataDir,
                Duration.ofDays(30),
                GatewayConfig.DEFAULT_MAX_LINE_BYTES,
                Duration.ofMillis(1500),
                64 * 1024,
                fakes.environment()));
        JsonNode flood =
                fail("codex", Map.of("prompt", "FAKE_FLOOD", "workingDir", work.toString()), "output_too_large");
        assertEquals(126, flood.get("exitCode").asInt());
        assertEquals("output_overflow", flood.get("errorCategory").asText());
        assertTrue(flood.get("error").asText().contains("65536 bytes on stdout"));
    }

    @Test
    void invalidArgumentsAreRejectedBeforeAnythingRuns() {
        List<Map<String, Object>> invalid = List.of(
                Map.of("prompt", "   "),
                Map.of("prompt", "nul\0byte"),
                Map.of("prompt", "p", "workingDir", "relative/dir"),
                Map.of("prompt", "p", "workingDir", work.resolve("missing").toString()),
                Map.of("prompt", "p", "createNewSession", true, "sessionId", "gw-x"),
                Map.of("prompt", "p", "createNewSession", true, "resumeLatest", true),
                Map.of("prompt", "p", "sessionId", "abc", "resumeLatest", true),
                Map.of("prompt", "p", "sessionId", "bad id!"),
                Map.of("prompt", "p", "sessionId", "-flag"),
                Map.of("prompt", "p", "timeoutMs", 0),
                Map.of("prompt", "p", "model", "--danger"),
                Map.of("prompt", "p", "configOverrides", Map.of("bad key", "1")));
        for (Map<String, Object> args : invalid) {
            fail("codex", args, "invalid_argument");
        }
        assertFalse(fakes.hasRun(ProviderId.CODEX), "codex never ran");
        fail("grok", Map.of("prompt", "x".repeat(200_000)), "invalid_argument");
    }

    @Test
    void schemaViolationsAreJsonRpcInvalidParams() {
        for (Map<String, Object> args : List.<Map<String, Object>>of(
                Map.of(),
                Map.of("prompt", "p", "unknown", 1),
                Map.of("prompt", 5),
                Map.of("prompt", "p", "createNewSession", "yes"),
                Map.of("prompt", "p", "permissionMode", "bogus"),
                Map.of("prompt", "p", "allowedTools", "Bash"))) {
            JsonNode response = gw.client.request("tools/call", Map.of("name", "claude_request", "arguments", args));
            assertEquals(-32602, response.get("error").get("code").asInt(), args.toString());
        }
    }

    /** Waits until a fake CLI is held at the gate (FAKE_GATE), i.e. its request is running. */
    private void awaitGate() {
        Awaitility.await("the fake CLI at the gate")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(state.resolve("gate-waiting")));
    }

    private JsonNode ok(String cli, Map<String, ?> args) {
        JsonNode result = gw.client.callTool(cli + "_request", args);
        assertFalse(result.get("isError").asBoolean(), () -> cli + " failed: " + result);
        return result.get("structuredContent");
    }

    private JsonNode fail(String cli, Map<String, ?> args, String errorCode) {
        JsonNode result = gw.client.callTool(cli + "_request", args);
        assertTrue(result.get("isError").asBoolean(), () -> cli + " " + args + " succeeded: " + result);
        JsonNode content = result.get("structuredContent");
        assertEquals(errorCode, content.get("errorCode").asText(), () -> cli + " " + args + ": " + content);
        assertFalse(content.get("success").asBoolean());
        return content;
    }

    private JsonNode session(String id) {
        return gw.client
                .callTool("session_get", Map.of("sessionId", id))
                .get("structuredContent")
                .get("session");
    }

    private JsonNode activeSession(String cli) {
        return gw.client
                .callTool("session_list", Map.of("cli", cli))
                .get("structuredContent")
                .get("activeSessions")
                .get(cli);
    }

    private static void assertContext(JsonNode result, int userMessages) {
        assertTrue(
                result.get("response").asText().contains("; " + userMessages + " user message(s) in context"),
                () -> "expected " + userMessages + " messages: " + result.get("response"));
    }
}
