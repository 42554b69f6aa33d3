package io.llmgateway.tools;

import io.llmgateway.core.CallCancellation;
import io.llmgateway.core.Principal;
import java.util.Objects;

/**
 * One call of a tool.
 *
 * @param progress     reports progress to the client; a no-op when the client sent no progress token
 * @param principal    the grant making the call ({@code local} on stdio)
 * @param cancellation cancelled by the transport when the caller gives up (e.g. the HTTP client went away)
 */
public record ToolCall(String toolName, Arguments arguments, ProgressReporter progress, Principal principal,
        CallCancellation cancellation) {
    public ToolCall {
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(cancellation, "cancellation");
    }
}
