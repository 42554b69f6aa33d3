package io.llmgateway.tools;

/** Sends MCP progress notifications for the current call. */
@FunctionalInterface
public interface ProgressReporter {
    ProgressReporter NONE = (progress, total, message) -> {};

    void report(double progress, Double total, String message);
}
