package io.llmgateway.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual exclusion across threads and processes on one data directory: an in-process lock plus a
 * kernel lock ({@link KernelLock}) on a dedicated file that is never deleted. The kernel releases the
 * lock when a process dies, so a crash cannot leave it stuck; a live holder stuck for longer than the patience (10 s) makes
 * the call fail with {@link LockTimeoutException} instead of waiting forever. Use one instance per
 * lock file per process: closing any descriptor of a file drops the process's locks on it.
 */
public final class InterProcessLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InterProcessLock.class);
    /** Holders keep it for microseconds; waiting this long means the holder is stuck. */
    public static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(10);
    private final Path lockFile;
    private final Duration patience;
    private final ReentrantLock threads = new ReentrantLock();
    private FileChannel channel;

    /** Opens nothing yet: an unusable directory fails the first call, not start-up, and may be fixed later. */
    public InterProcessLock(Path lockFile) {
        this(lockFile, DEFAULT_PATIENCE);
    }

    public InterProcessLock(Path lockFile, Duration patience) {
        this.lockFile = lockFile;
        this.patience = patience;
    }

    /** Runs {@code action} holding both locks. */
    public <T> T locked(IoAction<T> action) throws IOException {
        threads.lock();
        try {
            try (FileLock ignored = acquire()) {
                return action.run();
            }
        } finally {
            threads.unlock();
        }
    }

    private FileLock acquire() throws IOException {
        while (true) {
            if (channel == null || !channel.isOpen()) {
                // First use, or an interrupt during lock() closed the channel: (re)open rather than fail forever.
                channel = openChannel();
            }
            try {
                return KernelLock.acquire(channel, lockFile, false, patience);
            } catch (OverlappingFileLockException e) {
                // Another instance in this JVM holds the kernel lock (kernel locks are per process).
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
        }
    }

    private FileChannel openChannel() throws IOException {
        PrivateFiles.createDirectories(lockFile.getParent());
        return PrivateFiles.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** Closes the lock file; a failure is only logged, since the kernel drops the lock at exit anyway. */
    @Override
    public void close() {
        threads.lock();
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("closing {} failed: {}", lockFile, e.getClass().getSimpleName());
        } finally {
            threads.unlock();
        }
    }

    @FunctionalInterface
    public interface IoAction<T> {
        T run() throws IOException;
    }
}
