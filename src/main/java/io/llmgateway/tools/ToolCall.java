package io.llmgateway.tools;

import java.util.Objects;

/**
 * One call of a tool.
 *
 * @param progress reports progress to the client; a no-op when the client sent no progress token
 */
public record ToolCall(String toolName, Arguments arguments, ProgressReporter progress) {
    public ToolCall {
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(progress, "progress");
    }
}
