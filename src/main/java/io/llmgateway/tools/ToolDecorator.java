package io.llmgateway.tools;

/**
 * Cross-cutting behaviour (policy, audit) wrapped around every tool handler. A decorator that needs the
 * canonical request calls {@link ToolCall#canonical()} and passes that call on.
 */
@FunctionalInterface
public interface ToolDecorator {
    ToolHandler decorate(ToolDefinition tool, ToolHandler next);
}
