package io.llmgateway.tools;

import io.llmgateway.core.CancelSignal;
import io.llmgateway.core.Principal;
import java.util.Objects;

/**
 * One call of a tool.
 *
 * @param arguments  as sent, until {@link #canonical()} turns them into the canonical request
 * @param normaliser validates and normalises {@code arguments}; {@link #CANONICAL} once they are canonical
 * @param progress   reports progress to the client; a no-op when the client sent no progress token
 * @param cancel     fires when the client cancels the call (stdio) or goes away before its answer (HTTP)
 * @param principal  the grant making the call ({@code local} on stdio)
 */
public record ToolCall(
        String toolName,
        Arguments arguments,
        ArgumentNormaliser normaliser,
        ProgressReporter progress,
        CancelSignal cancel,
        Principal principal) {
    /** Marks a call whose arguments are canonical. */
    static final ArgumentNormaliser CANONICAL = (sent, caller) -> sent.asMap();

    public ToolCall {
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(normaliser, "normaliser");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(principal, "principal");
    }

    /**
     * The call with its canonical arguments, normalised once: a canonical call returns itself.
     *
     * @throws InvalidParamsException for arguments that break the tool's schema
     * @throws io.llmgateway.core.GatewayException for values the tool refuses
     */
    public ToolCall canonical() {
        return normaliser == CANONICAL
                ? this
                : new ToolCall(
                        toolName,
                        new Arguments(normaliser.canonical(arguments, principal)),
                        CANONICAL,
                        progress,
                        cancel,
                        principal);
    }
}
