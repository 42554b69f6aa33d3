package io.llmgateway.tools;

import java.util.Objects;

/**
 * A tool definition plus what serves it: the normaliser that builds the canonical request from the
 * arguments, and the handler that runs it.
 */
public record GatewayTool(ToolDefinition definition, ArgumentNormaliser normaliser, ToolHandler handler) {
    public GatewayTool {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(normaliser, "normaliser");
        Objects.requireNonNull(handler, "handler");
    }

    /** A tool whose arguments are canonical as sent. */
    public GatewayTool(ToolDefinition definition, ToolHandler handler) {
        this(definition, ArgumentNormaliser.AS_SENT, handler);
    }

    public String name() {
        return definition.name();
    }
}
