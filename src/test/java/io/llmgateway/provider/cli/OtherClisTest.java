package io.llmgateway.provider.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.Json;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Grok, Mistral Vibe, Devin and Cursor Agent: argv forms and parsers on fixtures built from their documented output. */
class OtherClisTest {
    private final GrokCli grok = new GrokCli();
    private final MistralVibeCli vibe = new MistralVibeCli();
    private final DevinCli devin = new DevinCli();
    private final CursorAgentCli cursor = new CursorAgentCli();

    @Test
    void grokAttachesThePromptToDashP() {
        Invocation inv = grok.invocation(
                Samples.request(
                        grok,
                        "--version please",
                        "grok-4.5",
                        Continuation.resume("s-1"),
                        Map.of("permissionMode", "acceptEdits", "maxTurns", 3)),
                new ScratchFiles());
        assertEquals(
                List.of(
                        "-p=--version please",
                        "--output-format=streaming-json",
                        "--cwd=/tmp",
                        "--model=grok-4.5",
                        "--permission-mode=acceptEdits",
                        "--max-turns=3",
                        "--resume=s-1"),
                inv.arguments());
        assertNull(inv.stdin());
        assertTrue(grok.invocation(Samples.request(grok, "p", Continuation.latest(), Map.of()), new ScratchFiles())
                .arguments()
                .contains("--continue"));
    }

    @Test
    void grokParsesStreamingAndSingleJson() {
        ParsedOutput streamed = grok.parse(Samples.read("constructed/grok-streaming-json.jsonl"), "");
        assertEquals("Hello from Grok", streamed.response(), "text deltas carry their payload in data");
        assertEquals("019a8c2e-4f1b-7d3a-9c55-1e2f3a4b5c6d", streamed.nativeSessionId());
        assertTrue(streamed.usage().isUnknown());
        ParsedOutput single = grok.parse(Samples.read("constructed/grok-json.json"), "");
        assertEquals("done", single.response());
        assertEquals("019a8c2e-5555-7d3a-9c55-1e2f3a4b5c6d", single.nativeSessionId());
        assertEquals(
                "HTTP 400: model does not support reasoning effort",
                grok.parse(Samples.read("constructed/grok-streaming-json-error.jsonl"), "")
                        .error());
        assertTrue(grok.emptySuccessExplanation().orElseThrow().contains("known Grok failure"));
    }

    @Test
    void vibeTakesTheModelFromTheEnvironmentAndDefaultsToAcceptEdits() {
        Invocation inv = vibe.invocation(
                Samples.request(vibe, "-n", "mistral-medium-3.5", Continuation.fresh(), Map.of()), new ScratchFiles());
        assertEquals(
                List.of("-p=-n", "--output=json", "--workdir=/tmp", "--agent=accept-edits", "--trust"),
                inv.arguments());
        assertEquals(Map.of("VIBE_ACTIVE_MODEL", "mistral-medium-3.5"), inv.environmentChanges());
        Invocation resumed = vibe.invocation(
                Samples.request(
                        vibe,
                        "p",
                        Continuation.resume("9f3c"),
                        Map.of("agent", "plan", "maxTurns", 2, "maxPrice", 1.25, "trustWorkspace", false)),
                new ScratchFiles());
        assertEquals(
                List.of(
                        "-p=p",
                        "--output=json",
                        "--workdir=/tmp",
                        "--agent=plan",
                        "--max-turns=2",
                        "--max-price=1.25",
                        "--resume=9f3c"),
                resumed.arguments());
        assertTrue(resumed.environmentChanges().isEmpty());
        assertFalse(vibe.reportsSessionId());
    }

    @Test
    void vibeReplyIsTheLastAssistantMessage() {
        ParsedOutput out = vibe.parse(Samples.read("constructed/vibe-json.json"), "");
        assertEquals("There are two entries: README.md and src.", out.response());
        assertNull(out.nativeSessionId());
        assertEquals(
                "wrapped",
                vibe.parse(
                                "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
                                        + "\"text\":\"wrapped\"}]}]}",
                                "")
                        .response());
        assertEquals("plain text reply", vibe.parse("plain text reply\n", "").response());
        assertEquals("", vibe.parse("", "").response());
    }

    @Test
    void devinPutsThePromptAfterEndOfOptions() {
        Invocation inv = devin.invocation(
                Samples.request(
                        devin,
                        "-rf everything",
                        "opus",
                        Continuation.resume("d-1"),
                        Map.of("permissionMode", "accept-edits")),
                new ScratchFiles());
        assertEquals(
                List.of("--model=opus", "--permission-mode=accept-edits", "--resume=d-1", "-p", "--", "-rf everything"),
                inv.arguments());
        assertEquals("pong", devin.parse("pong\n", "").response());
        assertNull(devin.parse("pong\n", "").nativeSessionId());
        assertFalse(devin.reportsSessionId());
    }

    @Test
    void cursorPrintsStreamJsonAndTrustsByDefault() {
        Invocation inv =
                cursor.invocation(Samples.request(cursor, "-h", Continuation.fresh(), Map.of()), new ScratchFiles());
        assertEquals(
                List.of("--print", "--output-format=stream-json", "--workspace=/tmp", "--trust", "--", "-h"),
                inv.arguments());
        Invocation full = cursor.invocation(
                Samples.request(
                        cursor,
                        "p",
                        "gpt-5.5-high",
                        Continuation.resume("c-1"),
                        Map.of("force", true, "mode", "plan", "sandbox", "enabled", "trustWorkspace", false)),
                new ScratchFiles());
        assertEquals(
                List.of(
                        "--print",
                        "--output-format=stream-json",
                        "--workspace=/tmp",
                        "--model=gpt-5.5-high",
                        "--force",
                        "--mode=plan",
                        "--sandbox=enabled",
                        "--resume=c-1",
                        "--",
                        "p"),
                full.arguments());
    }

    @Test
    void cursorParsesTheClaudeStyleStream() {
        ParsedOutput out = cursor.parse(Samples.read("constructed/cursor-stream-json.jsonl"), "");
        assertEquals("Hello from Cursor.\n\nThe README is one heading.", out.response());
        assertEquals("6a2e0b8c-1f3d-4c5e-9a7b-2d4f6e8a0c1b", out.nativeSessionId());
        assertEquals("Claude 4 Sonnet", out.model());
        assertTrue(out.usage().isUnknown());
        assertNull(out.costUsd());
    }

    @Test
    void cursorNamesTheToolsOfItsClaudeStyleStreamAndGrokNamesNone() throws Exception {
        JsonNode toolUse = Json.newMapper()
                .readTree("{\"type\":\"assistant\",\"message\":{\"content\":["
                        + "{\"type\":\"text\",\"text\":\"x\"},{\"type\":\"tool_use\",\"name\":\"Edit\"}]}}");
        assertEquals(Optional.of("Edit"), cursor.toolStarted(toolUse));
        assertEquals(Optional.empty(), grok.toolStarted(toolUse));
        assertEquals(Optional.empty(), cursor.toolStarted(Json.newMapper().readTree("{\"type\":\"result\"}")));
    }

    @Test
    void cursorUntrustedWorkspaceNamesTrustWorkspace() {
        CanonicalRequest request = Samples.request(cursor, "p", Continuation.fresh(), Map.of("trustWorkspace", false));
        ClassifiedFailure failure = cursor.classify(new FinishedRun(
                        request, 1, "", "Workspace Trust Required: run with --trust", cursor.parse("", "")))
                .orElseThrow();
        assertEquals(ErrorCode.CLI_ERROR, failure.code());
        assertTrue(failure.message().contains("trustWorkspace"));
    }

    @Test
    void everyProviderIsRegisteredOnceWithOptionsThatDoNotShadowCommonArguments() {
        ProviderRegistry registry = ProviderRegistry.standard();
        assertEquals(7, registry.all().size());
        for (ProviderCli provider : registry.all()) {
            assertEquals(provider, registry.get(provider.id()));
            assertFalse(provider.loginHint().isBlank());
            assertTrue(provider.summary().length() < 300);
        }
    }
}
