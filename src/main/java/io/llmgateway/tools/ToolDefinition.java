package io.llmgateway.tools;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.Objects;

/**
 * A tool as data: what {@code tools/list} shows. Descriptions stay accurate: proxies classify risk from them.
 */
public record ToolDefinition(
        String name,
        String title,
        String description,
        Map<String, Object> inputSchema,
        Map<String, Object> outputSchema,
        McpSchema.ToolAnnotations annotations) {

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(outputSchema, "outputSchema");
        Objects.requireNonNull(annotations, "annotations");
    }

    /** MCP hints in the contract's order: readOnly / destructive / idempotent / openWorld. */
    public static McpSchema.ToolAnnotations hints(
            boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld) {
        return new McpSchema.ToolAnnotations(null, readOnly, destructive, idempotent, openWorld, null);
    }

    McpSchema.Tool toMcpTool() {
        return McpSchema.Tool.builder()
                .name(name)
                .title(title)
                .description(description)
                .inputSchema(inputSchema)
                .outputSchema(outputSchema)
                .annotations(annotations)
                .build();
    }
}
