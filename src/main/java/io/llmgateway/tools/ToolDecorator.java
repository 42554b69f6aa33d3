package io.llmgateway.tools;

/** Cross-cutting behaviour (policy, audit) wrapped around every tool handler. */
@FunctionalInterface
public interface ToolDecorator {
    ToolHandler decorate(ToolDefinition tool, ToolHandler next);
}
