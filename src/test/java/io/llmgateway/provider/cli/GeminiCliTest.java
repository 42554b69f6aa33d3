package io.llmgateway.provider.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeminiCliTest {
    private final GeminiCli gemini = new GeminiCli();

    @Test
    void promptOnStdinWithAnEmptyPromptFlagAndTrustByDefault() {
        Invocation inv =
                gemini.invocation(Samples.request(gemini, "-v", Continuation.fresh(), Map.of()), new ScratchFiles());
        assertEquals(List.of("--output-format=stream-json", "--prompt=", "--skip-trust"), inv.arguments());
        assertEquals("-v", inv.stdin());
    }

    @Test
    void optionsAndResumeForms() {
        Invocation inv = gemini.invocation(
                Samples.request(
                        gemini,
                        "p",
                        "gemini-2.5-flash",
                        Continuation.resume("uuid-1"),
                        Map.of(
                                "approvalMode",
                                "auto_edit",
                                "includeDirectories",
                                List.of("/tmp", "/"),
                                "trustWorkspace",
                                false)),
                new ScratchFiles());
        assertEquals(
                List.of(
                        "--output-format=stream-json",
                        "--prompt=",
                        "--model=gemini-2.5-flash",
                        "--approval-mode=auto_edit",
                        "--include-directories=/tmp",
                        "--include-directories=/",
                        "--resume=uuid-1"),
                inv.arguments());
        assertTrue(gemini.invocation(Samples.request(gemini, "p", Continuation.latest(), Map.of()), new ScratchFiles())
                .arguments()
                .contains("--resume=latest"));
    }

    @Test
    void theOriginalsGeminiArgumentsBecomeTodaysFlags() {
        List<String> argv = gemini.invocation(
                        Samples.request(
                                gemini,
                                "p",
                                Continuation.fresh(),
                                Map.of("yolo", true, "includeDirs", List.of("/tmp"), "sandbox", true)),
                        new ScratchFiles())
                .arguments();
        assertEquals(
                List.of(
                        "--output-format=stream-json",
                        "--prompt=",
                        "--approval-mode=yolo",
                        "--include-directories=/tmp",
                        "--sandbox",
                        "--skip-trust"),
                argv);
    }

    @Test
    void yoloContradictsAnotherApprovalMode() {
        io.llmgateway.core.GatewayException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.llmgateway.core.GatewayException.class,
                () -> gemini.invocation(
                        Samples.request(
                                gemini, "p", Continuation.fresh(), Map.of("yolo", true, "approvalMode", "plan")),
                        new ScratchFiles()));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("yolo"), e.getMessage());
    }

    @Test
    void parsesTheStreamJsonSample() {
        ParsedOutput out = gemini.parse(Samples.read("gemini-stream-json.jsonl"), "");
        assertEquals(
                "Hello from the fake Gemini API (reply #11; 1 user message(s) in context; last user text: 'stream me')",
                out.response());
        assertEquals("c0b44541-a1d8-42fd-967d-3c6395ffc8bb", out.nativeSessionId());
        assertEquals(new Usage(22L, 14L, 0L, null), out.usage());
        assertEquals("gemini-3.8-flash", out.model(), "init says 'auto': the model that answered, not the router");
        assertNull(out.error());
    }

    @Test
    void toolCallStreamsKeepOnlyAssistantText() {
        ParsedOutput out = gemini.parse(Samples.read("gemini-stream-json-mcp-tool-yolo.jsonl"), "");
        assertTrue(out.response().startsWith("Hello from the fake Gemini API (reply #3"));
        assertEquals("gemini-2.5-flash", out.model());
    }

    @Test
    void parsesTheJsonSampleWithTheMainRoleModel() {
        ParsedOutput out = gemini.parse(Samples.read("gemini-json-hello.json"), "");
        assertEquals("4f8c865f-faa9-43cc-8798-e13b556c3c0c", out.nativeSessionId());
        assertTrue(out.response().contains("reply #2"));
        assertEquals("gemini-3.8-flash", out.model());
        assertEquals(new Usage(22L, 14L, 0L, null), out.usage(), "summed over the router and main models");
    }

    @Test
    void errorsFromTheStreamAndFromStderr() {
        ParsedOutput streamed = gemini.parse(Samples.read("gemini-stream-json-error400.jsonl"), "");
        assertEquals("fake error 400 (INVALID_ARGUMENT)", streamed.error());
        assertEquals("a2c63d8d-f65c-4a64-b37f-5e4e5bb05631", streamed.nativeSessionId());
        ParsedOutput json = gemini.parse("", Samples.read("gemini-json-error400.stderr"));
        assertEquals("fake error 400 (INVALID_ARGUMENT)", json.error());
        assertEquals("01664613-141b-46e0-a1aa-51ba856d7cf4", json.nativeSessionId());
    }

    @Test
    void exitCodesWithTheirOwnMeaning() {
        CanonicalRequest fresh = Samples.request(gemini, "p", Continuation.fresh(), Map.of("trustWorkspace", false));
        ClassifiedFailure untrusted = gemini.classify(run(fresh, 55)).orElseThrow();
        assertEquals(ErrorCode.CLI_ERROR, untrusted.code());
        assertTrue(untrusted.message().contains("trustWorkspace"));

        assertEquals(
                ErrorCode.SESSION_NOT_FOUND,
                gemini.classify(run(Samples.request(gemini, "p", Continuation.resume("x"), Map.of()), 42))
                        .orElseThrow()
                        .code());
        assertEquals(
                ErrorCode.SESSION_NOT_FOUND,
                gemini.classify(run(Samples.request(gemini, "p", Continuation.latest(), Map.of()), 42))
                        .orElseThrow()
                        .code());
        assertFalse(gemini.classify(run(fresh, 42)).isPresent(), "42 is any input error when not resuming");

        for (int exit : new int[] {41, 145, 147}) {
            ClassifiedFailure auth = gemini.classify(run(fresh, exit)).orElseThrow();
            assertEquals(ErrorCode.AUTH_REQUIRED, auth.code(), "exit " + exit);
            assertTrue(auth.message().contains("GEMINI_API_KEY"));
        }
        assertFalse(gemini.classify(run(fresh, 144)).isPresent(), "400 is an ordinary API error");
    }

    private FinishedRun run(CanonicalRequest request, int exitCode) {
        return new FinishedRun(request, exitCode, "", "", gemini.parse("", ""));
    }
}
