package io.llmgateway.job;

/** Receives progress of a long sync request (the tools layer turns it into MCP progress notifications). */
@FunctionalInterface
public interface ProgressSink {
    ProgressSink NONE = (progress, message) -> {};

    /** @param progress increases with every call (seconds elapsed) */
    void progress(double progress, String message);
}
