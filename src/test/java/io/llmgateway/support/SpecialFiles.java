package io.llmgateway.support;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/** Files that are not what a reader expects: FIFOs, links to devices, sparse giants. */
public final class SpecialFiles {
    private SpecialFiles() {}

    /** Creates a FIFO (named pipe) at {@code path} with {@code mkfifo}. */
    public static Path fifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString())
                .redirectErrorStream(true)
                .start();
        if (!mkfifo.waitFor(20, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
            throw new IOException("mkfifo " + path + " failed: "
                    + new String(mkfifo.getInputStream().readAllBytes()));
        }
        return path;
    }

    /** A file of {@code bytes} bytes that takes no disk space (all zeros). */
    public static Path sparse(Path path, long bytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(bytes);
        }
        return path;
    }

    /** Puts a FIFO in place of {@code target} in one rename, as an attacker swapping files would. */
    public static void swapInFifo(Path target) throws IOException, InterruptedException {
        Path fifo = fifo(target.resolveSibling(target.getFileName() + ".fifo"));
        Files.move(fifo, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Puts a symbolic link to {@code linkTarget} in place of {@code target} in one rename. */
    public static void swapInLink(Path target, Path linkTarget) throws IOException {
        Path link = Files.createSymbolicLink(target.resolveSibling(target.getFileName() + ".link"), linkTarget);
        Files.move(link, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
