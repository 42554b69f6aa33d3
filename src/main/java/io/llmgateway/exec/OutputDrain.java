package io.llmgateway.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one output stream of the child until EOF on its own thread: keeps up to the byte cap and discards
 * the rest (still reading, so the child never blocks on a full pipe while it is being stopped).
 */
final class OutputDrain implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputDrain.class);

    private final InputStream in;
    private final OutputStreamKind kind;
    private final int cap;
    private final Runnable onOverflow;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile long lastOutputNanos;
    private boolean truncated;

    OutputDrain(InputStream in, OutputStreamKind kind, long cap, long startNanos, Runnable onOverflow) {
        this.in = in;
        this.kind = kind;
        this.cap = Math.toIntExact(cap);
        this.onOverflow = onOverflow;
        this.lastOutputNanos = startNanos;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (n > 0) {
                    lastOutputNanos = System.nanoTime();
                    accept(buffer, n);
                }
            }
        } catch (IOException e) {
            LOG.debug("Reading the child's {} ended: {}", kind, e.toString());
        } finally {
            finished.countDown();
        }
    }

    private void accept(byte[] buffer, int n) {
        int kept;
        boolean overflowed;
        synchronized (this) {
            if (truncated) {
                return;
            }
            kept = Math.min(n, cap - captured.size());
            captured.write(buffer, 0, kept);
            overflowed = kept < n;
            truncated = overflowed;
        }
        if (overflowed) {
            onOverflow.run();
        }
    }

    /** When output last arrived on this stream (the start time until then), in {@link System#nanoTime()}. */
    long lastOutputNanos() {
        return lastOutputNanos;
    }

    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    synchronized boolean truncated() {
        return truncated;
    }

    /** The captured bytes as UTF-8; a character cut in half by the cap is dropped rather than mangled. */
    synchronized String text() {
        byte[] bytes = captured.toByteArray();
        int length = truncated ? Utf8.completePrefixLength(bytes) : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
