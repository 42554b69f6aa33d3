package io.llmgateway.tools;

import java.util.Objects;

/** A tool definition plus the handler that serves it. */
public record GatewayTool(ToolDefinition definition, ToolHandler handler) {
    public GatewayTool {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(handler, "handler");
    }

    public String name() {
        return definition.name();
    }
}
