package io.llmgateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.exec.Termination;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.cli.CodexCli;
import io.llmgateway.provider.cli.DevinCli;
import io.llmgateway.provider.cli.ParsedOutput;
import io.llmgateway.provider.cli.ProviderCli;
import io.llmgateway.provider.cli.Samples;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks every provider shares, on outcomes built by hand. */
class FailureClassifierTest {
    private final FailureClassifier classifier = new FailureClassifier();
    private final ProcessSpec spec = ProcessSpec.builder("codex")
            .wallTimeout(Duration.ofSeconds(5))
            .idleTimeout(Duration.ofSeconds(2))
            .maxOutputBytes(1000)
            .build();
    private final CodexCli codex = new CodexCli();
    private final DevinCli devin = new DevinCli();

    private GatewayException failure(ProviderCli provider, Continuation continuation, ProcessOutcome outcome) {
        CanonicalRequest request = Samples.request(provider, "p", continuation, Map.of());
        ParsedOutput output = provider.parse(outcome.stdout(), outcome.stderr());
        return assertThrows(
                GatewayException.class, () -> classifier.check(provider, request, spec, outcome, output, "corr"));
    }

    private static ProcessOutcome exited(int exitCode, String stdout, String stderr) {
        return new ProcessOutcome(
                exitCode, Termination.EXITED, stdout, stderr, false, false, Duration.ofMillis(5), 1, "r");
    }

    private static ProcessOutcome stopped(Termination termination, String stdout) {
        return new ProcessOutcome(
                null,
                termination,
                stdout,
                "",
                termination == Termination.OUTPUT_TOO_LARGE,
                false,
                Duration.ofMillis(5),
                1,
                "r");
    }

    @Test
    void successPassesAndEmptyRepliesOfOrdinaryProvidersToo() {
        CanonicalRequest request = Samples.request(devin, "p", Continuation.fresh(), Map.of());
        classifier.check(devin, request, spec, exited(0, "fine\n", ""), devin.parse("fine\n", ""), "corr");
        classifier.check(devin, request, spec, exited(0, "", ""), devin.parse("", ""), "corr");
    }

    @Test
    void gatewayStopsMapToTheirCodesWithExitCodeAndWhatWasSaidSoFar() {
        String partial = "{\"type\":\"thread.started\",\"thread_id\":\"t-1\"}\n"
                + "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"half\"}}\n";
        GatewayException timeout = failure(codex, Continuation.fresh(), stopped(Termination.TIMEOUT, partial));
        assertEquals(ErrorCode.TIMEOUT, timeout.code());
        assertTrue(timeout.getMessage().contains("5000 ms"));
        assertEquals(124, timeout.details().get("exitCode"));
        assertEquals("half", timeout.details().get("partialResponse"));
        assertEquals("t-1", timeout.details().get("nativeSessionId"));
        assertEquals("corr", timeout.details().get("correlationId"));

        assertEquals(
                ErrorCode.IDLE_TIMEOUT,
                failure(codex, Continuation.fresh(), stopped(Termination.IDLE_TIMEOUT, ""))
                        .code());
        GatewayException tooLarge =
                failure(codex, Continuation.fresh(), stopped(Termination.OUTPUT_TOO_LARGE, partial));
        assertEquals(ErrorCode.OUTPUT_TOO_LARGE, tooLarge.code());
        assertTrue(tooLarge.getMessage().contains("1000 bytes on stdout"));
        assertEquals(126, tooLarge.details().get("exitCode"));
        GatewayException cancelled = failure(codex, Continuation.fresh(), stopped(Termination.CANCELLED, ""));
        assertEquals(ErrorCode.CANCELLED, cancelled.code());
        assertEquals(null, cancelled.details().get("exitCode"));
    }

    @Test
    void nonZeroExitsQuoteTheLastStderrLineAndKeepABoundedExcerpt() {
        String stderr = "x".repeat(5000) + "\nusing key [redacted]\nfatal: something broke\n";
        GatewayException e = failure(devin, Continuation.fresh(), exited(3, "", stderr));
        assertEquals(ErrorCode.CLI_ERROR, e.code());
        assertEquals("Devin CLI exited with code 3: fatal: something broke", e.getMessage());
        assertEquals(3, e.details().get("exitCode"));
        String excerpt = (String) e.details().get("stderrExcerpt");
        assertTrue(excerpt.length() <= FailureClassifier.STDERR_EXCERPT_CHARS + 1);
        assertTrue(excerpt.endsWith("using key [redacted]\nfatal: something broke"));
        assertTrue(failure(devin, Continuation.fresh(), exited(2, "", ""))
                .getMessage()
                .endsWith("see stderrExcerpt."));
    }

    @Test
    void authAndUnknownSessionWordingIsRecognisedForEveryProvider() {
        GatewayException auth = failure(devin, Continuation.fresh(), exited(1, "", "Error: You are not logged in.\n"));
        assertEquals(ErrorCode.AUTH_REQUIRED, auth.code());
        assertTrue(auth.getMessage().contains("`devin auth login`"));
        assertTrue(auth.getMessage().contains("Devin said: Error: You are not logged in."));
        GatewayException unknown =
                failure(devin, Continuation.resume("s-9"), exited(1, "", "Error: session s-9 not found\n"));
        assertEquals(ErrorCode.SESSION_NOT_FOUND, unknown.code());
        assertEquals(
                ErrorCode.CLI_ERROR,
                failure(devin, Continuation.fresh(), exited(1, "", "Error: session s-9 not found\n"))
                        .code(),
                "only a resume can name an unknown session");
    }

    @Test
    void anErrorInTheOutputFailsEvenWithExitZero() {
        String failed = "{\"type\":\"thread.started\",\"thread_id\":\"t\"}\n"
                + "{\"type\":\"turn.failed\",\"error\":{\"message\":\"quota exceeded\"}}\n";
        GatewayException e = failure(codex, Continuation.fresh(), exited(0, failed, ""));
        assertEquals("Codex CLI reported an error: quota exceeded", e.getMessage());
    }

    @Test
    void exitZeroWithoutAReadableReplyPointsAtAFormatChange() {
        GatewayException e = failure(codex, Continuation.fresh(), exited(0, "some new text format\n", ""));
        assertEquals(ErrorCode.CLI_ERROR, e.code());
        assertTrue(e.getMessage().contains("output format may have changed"));
        assertEquals("some new text format", e.details().get("stdoutExcerpt"));
    }
}
