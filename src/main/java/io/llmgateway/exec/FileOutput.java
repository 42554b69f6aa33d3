package io.llmgateway.exec;

import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/** Output in files the kernel writes for the child: watched by their sizes, cut back to the cap at the end. */
final class FileOutput implements RunOutput {
    private final Path stdout;
    /** Null when stderr goes to the stdout file. */
    private final Path stderr;

    private final long cap;
    private long size;
    private long lastOutputNanos;
    private boolean overCap;

    FileOutput(Output.ToFiles files, long cap, long lastOutputNanos) {
        this.stdout = files.stdout();
        this.stderr = files.stderr();
        this.cap = cap;
        this.lastOutputNanos = lastOutputNanos;
        this.size = sizeOf(stdout) + sizeOf(stderr);
    }

    @Override
    public boolean needsPolling() {
        return true;
    }

    @Override
    public void look(long nowNanos) {
        long out = sizeOf(stdout);
        long err = sizeOf(stderr);
        overCap = out > cap || err > cap;
        if (out + err != size) {
            size = out + err;
            lastOutputNanos = nowNanos;
        }
    }

    @Override
    public boolean overCap() {
        return overCap;
    }

    @Override
    public long lastOutputNanos() {
        return lastOutputNanos;
    }

    @Override
    public boolean awaitEnd(Duration timeout) {
        return true;
    }

    @Override
    public Collected collect() throws IOException {
        return new Collected("", "", truncate(stdout), truncate(stderr));
    }

    /** Cuts a stream back to the cap (the child may have written past it before it was stopped). */
    private boolean truncate(Path file) throws IOException {
        if (sizeOf(file) <= cap) {
            return false;
        }
        try (FileChannel channel = PrivateFiles.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(cap);
        }
        return true;
    }

    /** 0 for none, or for anything but a regular file (never sized through a link). */
    private static long sizeOf(Path file) {
        if (file == null) {
            return 0;
        }
        try {
            return PrivateFiles.regularFileAttributes(file).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** When a file last changed, in epoch milliseconds; 0 if unknown. */
    static long modifiedMillis(Path file) {
        if (file == null) {
            return 0;
        }
        try {
            return PrivateFiles.regularFileAttributes(file).lastModifiedTime().toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
