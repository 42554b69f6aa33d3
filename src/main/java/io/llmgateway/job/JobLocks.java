package io.llmgateway.job;

import io.llmgateway.files.KernelLock;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Cross-process locks of the job files: an exclusive kernel lock ({@link KernelLock}, released by the kernel
 * when a process dies; a holder stuck for over 10 s makes the call fail rather than wait forever) on a lock file that is never deleted while in use, guarded by an
 * in-process lock because kernel locks belong to the whole JVM (a second channel on the same file would
 * throw OverlappingFileLockException, and closing it would drop the first one's lock).
 *
 * <p>One instance per JVM and data directory: every JobService of a JVM sharing a data directory must
 * share it. Lock order: the directory lock before any job lock; never two job locks at once.
 */
public final class JobLocks {
    private static final int STRIPES = 64;
    /** Job locks are held for a record update or a dispatch pass; waiting this long means the holder is stuck. */
    static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(10);

    private final Duration patience;
    private final ReentrantLock directory = new ReentrantLock();
    private final ReentrantLock[] jobs = new ReentrantLock[STRIPES];

    public JobLocks() {
        this(DEFAULT_PATIENCE);
    }

    /** {@code patience}: how long a call waits for another process's lock before failing. */
    JobLocks(Duration patience) {
        this.patience = patience;
        for (int i = 0; i < STRIPES; i++) {
            jobs[i] = new ReentrantLock();
        }
    }

    /** An action run while a lock is held. */
    interface Locked<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} holding the lock of the jobs directory (admission, queue, dispatch); reentrant. */
    <T> T withDirectory(Path lockFile, Locked<T> action) throws IOException {
        return with(directory, lockFile, action);
    }

    /** Runs {@code action} holding the lock of one job (changes of its record); not reentrant. */
    <T> T withJob(String jobId, Path lockFile, Locked<T> action) throws IOException {
        ReentrantLock stripe = jobs[Math.floorMod(jobId.hashCode(), STRIPES)];
        if (stripe.isHeldByCurrentThread()) {
            // Another job of the stripe may hold it: its kernel lock is not this job's.
            throw new IllegalStateException("job locks must not be nested");
        }
        return with(stripe, lockFile, action);
    }

    @SuppressWarnings("try") // the kernel lock is held for the try block
    private <T> T with(ReentrantLock mutex, Path lockFile, Locked<T> action) throws IOException {
        // An interrupt would close the channel and with it the lock; keep it pending until we are done.
        boolean interrupted = Thread.interrupted();
        mutex.lock();
        try {
            if (mutex.getHoldCount() > 1) {
                return action.run(); // the kernel lock is already ours
            }
            try (FileChannel channel = PrivateFiles.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock held = KernelLock.acquire(channel, lockFile, false, patience)) {
                return action.run();
            }
        } finally {
            mutex.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
