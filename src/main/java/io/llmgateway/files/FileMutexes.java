package io.llmgateway.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mutexes of a family of lock files, such as one per job: their in-process locks are a fixed set of
 * stripes, and a lock file is open only while it is held, so the family costs no descriptor per file. The
 * directory of a lock file must exist (a mutex never brings back a directory that was removed).
 *
 * <p>One instance per JVM and directory: every user of those lock files in the JVM must share it (see
 * {@link FileMutex} on why). Lock files of one stripe can be held by one thread at a time, so a thread may
 * hold several of them only in an order that every thread follows.
 */
public final class FileMutexes {
    private static final int STRIPES = 64;

    private final Duration patience;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final Set<Path>[] held;

    /** With a patience of {@link FileMutex#PATIENCE}. */
    public FileMutexes() {
        this(FileMutex.PATIENCE);
    }

    /** {@code patience}: how long a call waits for another process's lock before failing. */
    @SuppressWarnings("unchecked") // a generic array, filled right away
    public FileMutexes(Duration patience) {
        this.patience = patience;
        this.held = new Set[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
            held[i] = new HashSet<>();
        }
    }

    /** The mutex of {@code lockFile}; cheap, so it may be asked for each call. */
    public FileMutex of(Path lockFile) {
        Path file = lockFile.toAbsolutePath().normalize();
        int stripe = Math.floorMod(file.hashCode(), STRIPES);
        return new FileMutex(file, patience, locks[stripe], held[stripe], false);
    }
}
