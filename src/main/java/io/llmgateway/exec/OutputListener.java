package io.llmgateway.exec;

/**
 * Receives the child's output line by line while it runs (for progress reporting).
 *
 * <p>Called from the two threads that drain stdout and stderr, so implementations must be thread-safe
 * and quick: a slow listener delays draining and the child blocks on a full pipe. Lines are decoded as
 * UTF-8 without their line terminator ({@code \n} or {@code \r\n}); a last line without a terminator is
 * delivered when the stream ends. Only captured output is delivered: nothing beyond the byte cap.
 * A listener that throws is logged and not called again for that stream.
 */
@FunctionalInterface
public interface OutputListener {
    void onLine(OutputStreamKind stream, String line);
}
