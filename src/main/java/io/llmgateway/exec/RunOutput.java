package io.llmgateway.exec;

import java.io.IOException;
import java.time.Duration;

/** How a watched run's output is looked at: captured in memory, or in files the kernel writes. */
interface RunOutput {

    /** What the run printed, once it is over. */
    record Collected(String stdout, String stderr, boolean stdoutTruncated, boolean stderrTruncated) {
        boolean truncated() {
            return stdoutTruncated || stderrTruncated;
        }
    }

    /** Whether the watch must wake up to look ({@link #look}); otherwise output wakes it when it matters. */
    boolean needsPolling();

    /** Looks at the output now (the sizes of files); called by the watch before it checks the limits. */
    void look(long nowNanos);

    /** A stream is past the cap (a captured stream asks for the stop itself). */
    boolean overCap();

    /** When output last arrived, the start until then, in {@link System#nanoTime()}. */
    long lastOutputNanos();

    /** Waits until nothing can write to the output any more (captured pipes at their end); false if it timed out. */
    boolean awaitEnd(Duration timeout);

    /** The output as the run leaves it: a captured stream cut at a character, a file cut back to the cap. */
    Collected collect() throws IOException;
}
