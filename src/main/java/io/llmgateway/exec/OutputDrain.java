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
 * Reads one output stream of the child until EOF on its own thread: keeps up to the byte cap, discards
 * the rest (still reading, so the child never blocks on a full pipe while it is being stopped), and
 * feeds captured bytes to the listener line by line.
 */
final class OutputDrain implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputDrain.class);

    private final InputStream in;
    private final OutputStreamKind kind;
    private final int cap;
    private final Runnable onOverflow;
    private final LineSplitter lines;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile long lastOutputNanos;
    private boolean truncated;

    OutputDrain(InputStream in, OutputStreamKind kind, long cap, OutputListener listener, long startNanos,
            Runnable onOverflow) {
        this.in = in;
        this.kind = kind;
        this.cap = Math.toIntExact(cap);
        this.onOverflow = onOverflow;
        this.lines = listener == null ? null : new LineSplitter(kind, listener);
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
            if (lines != null) {
                lines.finish();
            }
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
        if (lines != null) {
            lines.accept(buffer, kept);
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

    /** Splits bytes at '\n' (dropping a preceding '\r') and hands each line to the listener. */
    private static final class LineSplitter {
        private final OutputStreamKind kind;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private OutputListener listener;

        LineSplitter(OutputStreamKind kind, OutputListener listener) {
            this.kind = kind;
            this.listener = listener;
        }

        void accept(byte[] buffer, int length) {
            int start = 0;
            for (int i = 0; i < length && listener != null; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, start, i - start);
                    emit();
                    start = i + 1;
                }
            }
            if (listener != null) {
                line.write(buffer, start, length - start);
            }
        }

        void finish() {
            if (listener != null && line.size() > 0) {
                emit();
            }
        }

        private void emit() {
            byte[] bytes = line.toByteArray();
            line.reset();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            try {
                listener.onLine(kind, new String(bytes, 0, length, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                LOG.warn("Output listener failed on {} and will not be called again for it: {}", kind, e.toString());
                listener = null;
            }
        }
    }
}
