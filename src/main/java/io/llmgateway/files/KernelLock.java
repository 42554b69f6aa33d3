package io.llmgateway.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Kernel record locks with a bounded wait. The kernel releases a lock when its process dies, so a crash
 * never leaves one stuck; but a process that is alive and stuck while holding one (stopped with Ctrl-Z,
 * hung in a debugger) would block every other gateway forever. Waiting in short steps instead of in
 * {@link FileChannel#lock} lets a caller give up with an error that names the holder.
 */
public final class KernelLock {
    /** First pause between attempts; locks are held for about a millisecond (one fsync'd write). */
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private KernelLock() {
    }

    /**
     * Locks the whole of {@code channel}'s file, waiting at most {@code patience}.
     *
     * @throws LockTimeoutException when another process held it all that time
     */
    public static FileLock acquire(FileChannel channel, Path file, boolean shared, Duration patience)
            throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        while (true) {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, shared);
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LockTimeoutException(file, patience, holders(file));
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }

    /** Pids holding a lock on {@code file}, from /proc/locks (Linux); empty where that cannot be read. */
    static List<Long> holders(Path file) {
        List<Long> pids = new ArrayList<>();
        try {
            Object inode = Files.getAttribute(file, "unix:ino");
            // "1: POSIX  ADVISORY  WRITE 4242 fd:01:1835011 0 EOF": pid, then major:minor:inode.
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length >= 6 && !"->".equals(fields[1])
                        && fields[5].endsWith(":" + inode) && fields[4].chars().allMatch(Character::isDigit)) {
                    long pid = Long.parseLong(fields[4]);
                    if (pid != ProcessHandle.current().pid() && !pids.contains(pid)) {
                        pids.add(pid);
                    }
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return pids; // not Linux, or no such file: the error message then names no process
        }
        return pids;
    }
}
