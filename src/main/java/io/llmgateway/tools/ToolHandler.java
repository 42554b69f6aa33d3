package io.llmgateway.tools;

/** Runs one tool call. Domain failures may be thrown as GatewayException; the binding maps them. */
@FunctionalInterface
public interface ToolHandler {
    ToolResult handle(ToolCall call);
}
