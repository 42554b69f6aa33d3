package io.llmgateway.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a small file that the user controls (e.g. the policy) so that the file cannot hang or exhaust
 * the reader. Only a regular file (or a link to one) of at most {@code maxBytes} is opened: opening a
 * FIFO blocks until a writer comes, and a device such as /dev/zero never ends.
 *
 * <p>Java cannot open with {@code O_NONBLOCK}, so a FIFO or device put in the file's place between that
 * check and the open could still block the open. The open and the read therefore run on a thread of
 * their own, which the caller waits for at most {@code patience}. A thread stuck there is a daemon and
 * is left behind; it ends when its open or read returns, and it reads at most {@code maxBytes + 1} bytes.
 */
public final class RegularFileReader {
    private RegularFileReader() {}

    /**
     * The file's content.
     *
     * @throws RefusedFileException if it is not a regular file, is larger than {@code maxBytes}, or was not
     *                              read within {@code patience}
     * @throws IOException          if it cannot be read (missing, no permission)
     */
    public static byte[] read(Path file, int maxBytes, Duration patience) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new RefusedFileException("is " + kind(file, attributes) + ", not a regular file");
        }
        if (attributes.size() > maxBytes) {
            throw new RefusedFileException("is " + attributes.size() + " bytes, over the limit of " + maxBytes);
        }
        byte[] content = within(patience, () -> {
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(maxBytes + 1);
            }
        });
        if (content.length > maxBytes) {
            throw new RefusedFileException("grew past the limit of " + maxBytes + " bytes while it was read");
        }
        return content;
    }

    /** Runs {@code read} on a daemon thread and waits for it at most {@code patience}. */
    static <T> T within(Duration patience, IoCall<T> read) throws IOException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try {
                        result.complete(read.call());
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                },
                "regular-file-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            return result.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            String waited = patience.toMillis() < 1000 ? patience.toMillis() + " ms" : patience.toSeconds() + " s";
            throw new RefusedFileException(
                    "was not read within " + waited + " (was a FIFO or device put in its place while it was opened?)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) cause;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the file to be read");
        }
    }

    /** What a file that is not regular is, for the message; the "unix" view names FIFOs and devices. */
    private static String kind(Path file, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
            String name = switch (type) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> null;
            };
            if (name != null) {
                return name;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // Not a POSIX file system: the general description below.
        }
        return "a FIFO, socket or device";
    }
}
