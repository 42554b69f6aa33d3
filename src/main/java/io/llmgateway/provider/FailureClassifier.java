package io.llmgateway.provider;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.cli.ClassifiedFailure;
import io.llmgateway.provider.cli.Excerpts;
import io.llmgateway.provider.cli.FinishedRun;
import io.llmgateway.provider.cli.ParsedOutput;
import io.llmgateway.provider.cli.ProviderCli;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a finished run failed and how to say so: the gateway's own stops (timeouts, output
 * cap, cancellation), then what only the provider recognises, then the checks every provider shares
 * (not logged in, an unknown session, a non-zero exit, an error in the CLI's output, no reply).
 * Errors carry {@code exitCode} and a bounded {@code stderrExcerpt}. It is given output that is already
 * redacted ({@code ProviderRequestService} redacts whole streams first), so every excerpt and quote is cut
 * from redacted text and no cut can leave the tail of a secret.
 */
final class FailureClassifier {
    static final int STDERR_EXCERPT_CHARS = 2048;
    static final int PARTIAL_RESPONSE_CHARS = 8192;
    private static final int QUOTE_CHARS = 500;
    private static final Pattern AUTH = Pattern.compile("(?i)not logged in|log ?in required|please (run )?/?log ?in"
            + "|unauthori[sz]ed|\\b401\\b|invalid (x-)?api[ _-]?key|(missing|no) api[ _-]?key|api[ _-]?key (is )?"
            + "(missing|not set|required|invalid)|authentication (failed|required|error)|not authenticated");
    private static final Pattern UNKNOWN_SESSION =
            Pattern.compile("(?i)(session|conversation|chat|thread)\\b[^\\n]{0,60}"
                    + "\\b(not found|does not exist|doesn't exist|unknown|no such)|no (session|conversation|chat|thread)s?\\b"
                    + "[^\\n]{0,40}\\bfound|(unknown|invalid) (session|conversation|chat|thread)");

    /**
     * Throws the error a failed run maps to; returns normally when the run succeeded.
     *
     * @param outcome the run's outcome with its output redacted
     * @param output  what the parser read, redacted
     */
    void check(
            ProviderCli provider,
            CanonicalRequest request,
            ProcessSpec spec,
            ProcessOutcome outcome,
            ParsedOutput output,
            String correlationId) {
        String name = name(provider);
        Map<String, Object> details = details(provider, outcome, correlationId);
        switch (outcome.termination()) {
            case TIMEOUT ->
                throw stopped(
                        ErrorCode.TIMEOUT,
                        name + " did not finish within timeoutMs ("
                                + spec.wallTimeout().toMillis()
                                + " ms) and was stopped; raise timeoutMs or split the task.",
                        details,
                        output);
            case IDLE_TIMEOUT ->
                throw stopped(
                        ErrorCode.IDLE_TIMEOUT,
                        name + " printed nothing for idleTimeoutMs ("
                                + spec.idleTimeout().toMillis()
                                + " ms) and was stopped; raise idleTimeoutMs if it legitimately "
                                + "works silently for longer.",
                        details,
                        output);
            case OUTPUT_TOO_LARGE ->
                throw stopped(
                        ErrorCode.OUTPUT_TOO_LARGE,
                        name + " printed more than "
                                + spec.maxOutputBytes() + " bytes on "
                                + (outcome.stdoutTruncated() ? "stdout" : "stderr")
                                + " and was stopped; what it printed before is in partialResponse and stderrExcerpt. Ask for a "
                                + "shorter answer or raise LLM_GATEWAY_MAX_OUTPUT_BYTES.",
                        details,
                        output);
            case CANCELLED ->
                throw stopped(
                        ErrorCode.CANCELLED,
                        name + " was stopped because the request was "
                                + "cancelled or the gateway is shutting down; send the request again if it is still wanted.",
                        details,
                        output);
            case EXITED -> {
                FinishedRun run =
                        new FinishedRun(request, outcome.exitCode(), outcome.stdout(), outcome.stderr(), output);
                Optional<ClassifiedFailure> failure = provider.classify(run).or(() -> shared(provider, run));
                if (failure.isPresent()) {
                    if (output.response() == null) {
                        details.put("stdoutExcerpt", Excerpts.tail(outcome.stdout(), STDERR_EXCERPT_CHARS));
                    }
                    throw new GatewayException(
                            failure.get().code(), failure.get().message(), details);
                }
            }
        }
    }

    private Optional<ClassifiedFailure> shared(ProviderCli provider, FinishedRun run) {
        String name = name(provider);
        ParsedOutput output = run.output();
        if (run.exitCode() != 0 || output.error() != null) {
            String said = output.error() != null ? output.error() : Excerpts.lastLine(run.stderr(), QUOTE_CHARS);
            String evidence = said + "\n" + Excerpts.tail(run.stderr(), STDERR_EXCERPT_CHARS);
            if (AUTH.matcher(evidence).find()) {
                return Optional.of(ClassifiedFailure.authRequired(provider, said));
            }
            Continuation continuation = run.request().continuation();
            if (continuation.isResume() && UNKNOWN_SESSION.matcher(evidence).find()) {
                return Optional.of(new ClassifiedFailure(
                        ErrorCode.SESSION_NOT_FOUND,
                        name + " does not know session "
                                + continuation.nativeSessionId() + " (it said: " + Excerpts.head(said, QUOTE_CHARS)
                                + "); check the id, which is the CLI's own session id, or start a new session."));
            }
            String what =
                    run.exitCode() != 0 ? name + " exited with code " + run.exitCode() : name + " reported an error";
            return Optional.of(new ClassifiedFailure(
                    ErrorCode.CLI_ERROR,
                    what + (said.isBlank() ? "; see stderrExcerpt." : ": " + Excerpts.head(said, QUOTE_CHARS))));
        }
        String response = output.response();
        if (response == null || response.isBlank()) {
            Optional<String> knownFailure = provider.emptySuccessExplanation();
            if (knownFailure.isPresent()) {
                return Optional.of(new ClassifiedFailure(ErrorCode.CLI_ERROR, knownFailure.get()));
            }
            if (response == null) {
                return Optional.of(
                        new ClassifiedFailure(
                                ErrorCode.CLI_ERROR,
                                name + " exited 0 but printed no reply the "
                                        + "gateway could read (see stdoutExcerpt); its output format may have changed in this version."));
            }
        }
        return Optional.empty();
    }

    private Map<String, Object> details(ProviderCli provider, ProcessOutcome outcome, String correlationId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("cli", provider.id().wireName());
        details.put("exitCode", outcome.reportedExitCode());
        details.put("stderrExcerpt", Excerpts.tail(outcome.stderr(), STDERR_EXCERPT_CHARS));
        details.put("correlationId", correlationId);
        return details;
    }

    /** A run the gateway stopped: keep what it said so far, and its session id for a resume. */
    private GatewayException stopped(ErrorCode code, String message, Map<String, Object> details, ParsedOutput output) {
        if (output.response() != null && !output.response().isEmpty()) {
            details.put("partialResponse", Excerpts.head(output.response(), PARTIAL_RESPONSE_CHARS));
        }
        if (output.nativeSessionId() != null) {
            details.put("nativeSessionId", output.nativeSessionId());
        }
        return new GatewayException(code, message, details);
    }

    static String name(ProviderCli provider) {
        return provider.id().displayName() + " CLI";
    }
}
