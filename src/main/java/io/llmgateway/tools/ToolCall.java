package io.llmgateway.tools;

import io.llmgateway.core.CancelSignal;
import java.util.Objects;

/**
 * One call of a tool.
 *
 * @param progress reports progress to the client; a no-op when the client sent no progress token
 * @param cancel   fires when the client cancels the call
 */
public record ToolCall(String toolName, Arguments arguments, ProgressReporter progress, CancelSignal cancel) {
    public ToolCall {
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancel, "cancel");
    }
}
