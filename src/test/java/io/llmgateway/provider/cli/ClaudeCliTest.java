package io.llmgateway.provider.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.Usage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClaudeCliTest {
    private final ClaudeCli claude = new ClaudeCli();

    @Test
    void promptGoesOnStdinWithNoPositionalArgument() {
        Invocation inv = claude.invocation(
                Samples.request(claude, "--help me", Continuation.fresh(), Map.of()), new ScratchFiles());
        assertEquals(List.of("-p", "--output-format=stream-json", "--verbose"), inv.arguments());
        assertEquals("--help me", inv.stdin(), "a leading-dash prompt never reaches argv");
        assertEquals(
                Set.of("CLAUDECODE"), inv.environmentRemoved(), "a parent Claude Code's guard variable is dropped");
    }

    @Test
    void resumeFlagsAndOptionsAreAttachedToTheirOption() {
        Invocation inv = claude.invocation(
                Samples.request(
                        claude,
                        "p",
                        "opus",
                        Continuation.resume("abc-123"),
                        Map.of(
                                "permissionMode",
                                "plan",
                                "allowedTools",
                                List.of("Bash(git *)", "Edit"),
                                "disallowedTools",
                                List.of("WebFetch"),
                                "addDir",
                                List.of("/tmp"),
                                "appendSystemPrompt",
                                "-be terse",
                                "maxTurns",
                                3,
                                "maxBudgetUsd",
                                0.5,
                                "mcpConfig",
                                List.of("{\"mcpServers\":{}}"))),
                new ScratchFiles());
        assertEquals(
                List.of(
                        "-p",
                        "--output-format=stream-json",
                        "--verbose",
                        "--model=opus",
                        "--permission-mode=plan",
                        "--allowed-tools=Bash(git *)",
                        "--allowed-tools=Edit",
                        "--disallowed-tools=WebFetch",
                        "--add-dir=/tmp",
                        "--append-system-prompt=-be terse",
                        "--max-turns=3",
                        "--max-budget-usd=0.5",
                        "--mcp-config={\"mcpServers\":{}}",
                        "--resume=abc-123"),
                inv.arguments());
        assertTrue(claude.invocation(Samples.request(claude, "p", Continuation.latest(), Map.of()), new ScratchFiles())
                .arguments()
                .contains("--continue"));
    }

    @Test
    void rejectsRelativeOrMissingDirectoriesAndNonPositiveBudgets() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("addDir", List.of("relative")),
                Map.of("addDir", List.of("/no/such/dir")),
                Map.of("maxBudgetUsd", 0),
                Map.of("maxTurns", 0))) {
            GatewayException e = assertThrows(
                    GatewayException.class,
                    () -> claude.invocation(
                            Samples.request(claude, "p", Continuation.fresh(), bad), new ScratchFiles()));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), bad.toString());
        }
    }

    @Test
    void parsesTheStreamJsonSample() {
        ParsedOutput out = claude.parse(Samples.read("claude-stream-json.jsonl"), "");
        assertEquals(
                "Hello from the fake Anthropic API (reply #5; 1 user message(s) in context; last user text: 'stream me')",
                out.response());
        assertEquals("e5c9a5c0-e814-46ea-a4e2-71a3aaec3900", out.nativeSessionId());
        assertEquals("claude-opus-4-8[1m]", out.model());
        assertEquals(new Usage(11L, 7L, 0L, 0L), out.usage());
        assertEquals(0.00023, out.costUsd());
        assertNull(out.error());
        assertTrue(out.warnings().isEmpty());
    }

    @Test
    void parsesToolCallsAndPartialMessageStreams() {
        ParsedOutput tool = claude.parse(Samples.read("claude-stream-json-mcp-tool.jsonl"), "");
        assertTrue(tool.response().endsWith("[tool result seen: 'echo: ping-from-fake-model']"));
        assertEquals(new Usage(22L, 14L, 0L, 0L), tool.usage());
        ParsedOutput partial = claude.parse(Samples.read("claude-stream-json-partial.jsonl"), "");
        assertEquals("c5bbeec2-4800-4f27-b858-c38fc8594f7f", partial.nativeSessionId());
        assertTrue(partial.response().contains("reply #21"));
    }

    @Test
    void parsesTheSingleJsonResultOfBothVersions() {
        ParsedOutput hello = claude.parse(Samples.read("claude-json-hello.json"), "");
        assertEquals("53ae58e6-0376-4506-8197-72040827d2aa", hello.nativeSessionId());
        assertEquals("claude-opus-4-8[1m]", hello.model(), "from modelUsage when there is no init event");
        ParsedOutput resumed = claude.parse(Samples.read("claude-json-resume.json"), "");
        assertEquals(hello.nativeSessionId(), resumed.nativeSessionId());
        assertTrue(resumed.response().contains("2 user message(s) in context"));
        ParsedOutput newer = claude.parse(Samples.read("claude-2.1.330-json-hello.json"), "");
        assertEquals("2b3e2048-f96f-4d9a-b0cc-76b3d420a9e8", newer.nativeSessionId());
        assertEquals(new Usage(11L, 7L, 0L, 0L), newer.usage(), "keys are read by name, whatever their order");
        assertEquals("claude-opus-5-5", newer.model());
    }

    @Test
    void isErrorResultsBecomeTheProvidersOwnErrorMessage() {
        ParsedOutput error = claude.parse(Samples.read("claude-json-error500.json"), "");
        assertTrue(error.error().startsWith("API Error: 500 fake error 500."));
        assertNull(error.response());
        ParsedOutput refused = claude.parse(Samples.read("claude-json-conn-refused.json"), "");
        assertEquals("API Error: Unable to connect to API (ConnectionRefused)", refused.error());
    }

    @Test
    void aRunStoppedByMaxTurnsSaysSoAndKeepsItsSession() {
        ParsedOutput out = claude.parse(Samples.read("claude-stream-json-max-turns.jsonl"), "");
        assertTrue(out.error().startsWith("Claude Code reached its maxTurns limit before finishing"), out.error());
        assertEquals("7b7d64c8-673f-4c61-844b-220e1c798056", out.nativeSessionId());
    }

    @Test
    void withoutAResultTheAssistantTextSoFarIsThePartialReply() {
        String stream = Samples.read("claude-stream-json.jsonl");
        String cut = stream.substring(0, stream.indexOf("{\"type\":\"result\""));
        ParsedOutput out = claude.parse(cut + "{\"type\":\"result\",\"trunc", "");
        assertTrue(out.response().contains("reply #5"));
        assertEquals("e5c9a5c0-e814-46ea-a4e2-71a3aaec3900", out.nativeSessionId());
    }

    @Test
    void permissionDenialsBecomeAWarning() {
        ParsedOutput out = claude.parse(
                "{\"type\":\"result\",\"is_error\":false,\"result\":\"could not\",\"session_id\":\"s\","
                        + "\"permission_denials\":[{\"tool_name\":\"Bash\",\"tool_use_id\":\"t1\",\"tool_input\":{}},"
                        + "{\"tool_name\":\"Bash\"},{\"tool_name\":\"Write\"}]}",
                "");
        assertEquals(1, out.warnings().size());
        assertTrue(out.warnings().get(0).contains("Bash, Write"));
    }

    @Test
    void unknownSessionIsSessionNotFoundNamingTheDirectory() {
        CanonicalRequest request = Samples.request(claude, "p", Continuation.resume("0000-dead"), Map.of());
        FinishedRun run = new FinishedRun(
                request, 1, "", "No conversation found with session ID: 0000-dead\n", claude.parse("", ""));
        ClassifiedFailure failure = claude.classify(run).orElseThrow();
        assertEquals(ErrorCode.SESSION_NOT_FOUND, failure.code());
        assertTrue(failure.message().contains("0000-dead") && failure.message().contains("/tmp"), failure.message());
        assertTrue(claude.classify(new FinishedRun(request, 1, "", "other failure", claude.parse("", "")))
                .isEmpty());
    }
}
