package io.llmgateway.provider.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodexCliTest {
    private final CodexCli codex = new CodexCli();

    @Test
    void freshRunReadsThePromptFromStdin() {
        Invocation inv =
                codex.invocation(Samples.request(codex, "-x", Continuation.fresh(), Map.of()), new ScratchFiles());
        assertEquals(List.of("exec", "--json", "--skip-git-repo-check", "-"), inv.arguments());
        assertEquals("-x", inv.stdin());
    }

    @Test
    void optionsPrecedeTheResumeSubcommandSoTheyApplyToResumedThreads() {
        Invocation inv = codex.invocation(
                Samples.request(
                        codex,
                        "p",
                        "gpt-5.5",
                        Continuation.resume("01a2-thread"),
                        Map.of(
                                "sandboxMode",
                                "workspace-write",
                                "addDir",
                                List.of("/tmp"),
                                "profile",
                                "ci",
                                "configOverrides",
                                Map.of("model_reasoning_effort", "\"high\""))),
                new ScratchFiles());
        assertEquals(
                List.of(
                        "exec",
                        "--json",
                        "--skip-git-repo-check",
                        "--model=gpt-5.5",
                        "--sandbox=workspace-write",
                        "--add-dir=/tmp",
                        "--profile=ci",
                        "--config=model_reasoning_effort=\"high\"",
                        "resume",
                        "--",
                        "01a2-thread",
                        "-"),
                inv.arguments());
        List<String> latest = codex.invocation(
                        Samples.request(codex, "p", Continuation.latest(), Map.of()), new ScratchFiles())
                .arguments();
        assertEquals(List.of("resume", "--last", "-"), latest.subList(latest.size() - 3, latest.size()));
    }

    @Test
    void theOriginalsCodexArgumentsBecomeTodaysFlags() {
        Map<String, Object> options = new java.util.LinkedHashMap<>();
        options.put("fullAuto", true);
        options.put("dangerouslyBypassApprovalsAndSandbox", true);
        options.put("ephemeral", true);
        options.put("images", List.of("/etc/passwd"));
        options.put("ignoreUserConfig", true);
        options.put("ignoreRules", true);
        options.put("askForApproval", "never");
        options.put("useLegacyFullAutoFlag", true);
        options.put("search", true);
        assertEquals(
                List.of(
                        "exec",
                        "--json",
                        "--skip-git-repo-check",
                        "--sandbox=workspace-write",
                        "--dangerously-bypass-approvals-and-sandbox",
                        "--ephemeral",
                        "--image=/etc/passwd",
                        "--ignore-user-config",
                        "--ignore-rules",
                        "-"),
                codex.invocation(Samples.request(codex, "p", Continuation.fresh(), options), new ScratchFiles())
                        .arguments());
    }

    @Test
    void sandboxModeWinsOverTheDeprecatedFullAuto() {
        List<String> argv = codex.invocation(
                        Samples.request(
                                codex, "p", Continuation.fresh(), Map.of("fullAuto", true, "sandboxMode", "read-only")),
                        new ScratchFiles())
                .arguments();
        assertTrue(argv.contains("--sandbox=read-only"), argv.toString());
        assertFalse(argv.contains("--sandbox=workspace-write"), argv.toString());
        assertFalse(codex
                .invocation(
                        Samples.request(codex, "p", Continuation.fresh(), Map.of("fullAuto", false)),
                        new ScratchFiles())
                .arguments()
                .stream()
                .anyMatch(a -> a.startsWith("--sandbox")));
    }

    @Test
    void configOverrideKeysAndValuesAreValidated() {
        for (Map<String, String> bad : List.of(Map.of("bad key", "1"), Map.of("a=b", "1"), Map.of("k", "two\nlines"))) {
            GatewayException e = assertThrows(
                    GatewayException.class,
                    () -> codex.invocation(
                            Samples.request(codex, "p", Continuation.fresh(), Map.of("configOverrides", bad)),
                            new ScratchFiles()));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        }
    }

    @Test
    void outputSchemaIsWrittenToAPrivateTempFileDeletedAfterwards() throws Exception {
        Path file;
        try (ScratchFiles scratch = new ScratchFiles()) {
            Invocation inv = codex.invocation(
                    Samples.request(
                            codex,
                            "p",
                            Continuation.fresh(),
                            Map.of(
                                    "outputSchema",
                                    Map.of(
                                            "type",
                                            "object",
                                            "properties",
                                            Map.of("answer", Map.of("type", "string"))))),
                    scratch);
            String flag = inv.arguments().stream()
                    .filter(a -> a.startsWith("--output-schema="))
                    .findFirst()
                    .orElseThrow();
            file = Path.of(flag.substring("--output-schema=".length()));
            assertEquals(
                    JsonScan.parse("{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}}}"),
                    JsonScan.parse(Files.readString(file)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void parsesTheHelloSample() {
        ParsedOutput out = codex.parse(Samples.read("codex-exec-json-hello.jsonl"), "");
        assertEquals(
                "Hello from the fake OpenAI Responses API (reply #1; 2 user message(s) in context; last user text: 'hello')",
                out.response());
        assertEquals("01a20138-2e8e-70f0-a269-e150e5edbdcf", out.nativeSessionId());
        assertEquals(new Usage(11L, 7L, 0L, 0L), out.usage());
        assertNull(out.model(), "codex --json does not name the model");
        assertNull(out.costUsd());
        assertNull(out.error());
        assertEquals(1, out.warnings().size(), "error items are warnings: " + out.warnings());
        assertTrue(out.warnings().get(0).contains("Model metadata"));
    }

    @Test
    void resumedThreadReportsTheSameIdAndCumulativeUsage() {
        ParsedOutput out = codex.parse(Samples.read("codex-exec-json-resume.jsonl"), "");
        assertEquals("01a20138-2e8e-70f0-a269-e150e5edbdcf", out.nativeSessionId());
        assertEquals(new Usage(22L, 14L, 0L, 0L), out.usage());
        assertTrue(codex.reportsCumulativeUsage());
    }

    @Test
    void theLastAgentMessageIsTheReply() {
        ParsedOutput out = codex.parse(Samples.read("codex-exec-json-mcp-tool.jsonl"), "");
        assertTrue(out.response().startsWith("Hello from the fake OpenAI Responses API (reply #4"));
    }

    @Test
    void failedTurnsCarryTheApiMessage() {
        assertEquals(
                "fake error 400 (invalid_request_error)",
                codex.parse(Samples.read("codex-exec-json-error400.jsonl"), "").error());
        assertEquals(
                "unexpected status 401 Unauthorized: fake error 401, url: http://127.0.0.1:18082/v1/responses",
                codex.parse(Samples.read("codex-exec-json-error401.jsonl"), "").error());
    }

    @Test
    void retryErrorsBeforeACompletedTurnAreNotAFailure() {
        String retried = "{\"type\":\"thread.started\",\"thread_id\":\"t\"}\n"
                + "{\"type\":\"error\",\"message\":\"Reconnecting... 1/5 (stream disconnected)\"}\n"
                + "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"ok\"}}\n"
                + "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}\n";
        assertNull(codex.parse(retried, "").error());
        assertEquals(
                "Reconnecting... 1/5 (stream disconnected)",
                codex.parse(retried.substring(0, retried.indexOf("{\"type\":\"item")), "")
                        .error());
    }

    @Test
    void unknownThreadIsSessionNotFound() {
        CanonicalRequest request = Samples.request(codex, "p", Continuation.resume("nope"), Map.of());
        ClassifiedFailure failure = codex.classify(new FinishedRun(
                        request, 1, "", "Error: no rollout found for thread id nope\n", codex.parse("", "")))
                .orElseThrow();
        assertEquals(ErrorCode.SESSION_NOT_FOUND, failure.code());
        assertTrue(failure.message().contains("nope"));
    }
}
