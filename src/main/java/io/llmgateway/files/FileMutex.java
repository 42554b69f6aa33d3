package io.llmgateway.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual exclusion across the threads and processes sharing one lock file: an in-process lock plus a kernel
 * record lock on the file, which is never deleted while in use. The kernel releases the lock when its process
 * dies, so a crash never leaves it stuck; a process that is alive and stuck while holding it (stopped with
 * Ctrl-Z, hung in a debugger) would block every other one forever, so a call waits at most the patience
 * ({@link #PATIENCE}, 10 s) and then fails with a {@link LockTimeoutException} naming the holder.
 *
 * <p>Interrupts: a call holds back an interrupt until it is over (it is pending again afterwards). An interrupt
 * closes whichever NIO channel the thread is using, and closing the lock file's channel would drop the lock.
 *
 * <p>Kernel record locks belong to the whole process, and closing any descriptor of the file drops every lock
 * the process has on it. So every thread of a JVM must reach a lock file through one mutex: one instance per
 * lock file and JVM, or {@link FileMutexes} for a family of lock files. Calls are reentrant for the thread
 * holding the mutex.
 */
public final class FileMutex implements AutoCloseable {
    /** Lock files are held for a record update or a compaction; waiting longer means the holder is stuck. */
    public static final Duration PATIENCE = Duration.ofSeconds(10);
    /** First pause between attempts; locks are held for about a millisecond (one fsync'd write). */
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Object BUSY = new Object();
    private static final Logger LOG = LoggerFactory.getLogger(FileMutex.class);

    private final Path lockFile;
    private final Duration patience;
    private final ReentrantLock threads;
    /** Lock files whose kernel lock a holder of {@code threads} has, through any mutex sharing it. */
    private final Set<Path> heldWithThreads;
    /** Kept open between calls (one lock file of a component), or only while held (one of a family). */
    private final boolean keepOpen;
    // Guarded by threads.
    private FileChannel channel;
    private FileLock held;

    /** A mutex on {@code lockFile} with a patience of {@link #PATIENCE}. */
    public FileMutex(Path lockFile) {
        this(lockFile, PATIENCE);
    }

    /**
     * Opens nothing yet: the lock file (and its directory, 0700) is created when first locked, so an unusable
     * directory fails the first call, not start-up, and may be fixed later. It then stays open until
     * {@link #close()}.
     *
     * @param patience how long a call waits for another process's lock before failing
     */
    public FileMutex(Path lockFile, Duration patience) {
        this(lockFile, patience, new ReentrantLock(), new HashSet<>(), true);
    }

    FileMutex(Path lockFile, Duration patience, ReentrantLock threads, Set<Path> heldWithThreads, boolean keepOpen) {
        this.lockFile = lockFile.toAbsolutePath().normalize();
        this.patience = patience;
        this.threads = threads;
        this.heldWithThreads = heldWithThreads;
        this.keepOpen = keepOpen;
    }

    /**
     * Runs {@code call} holding the lock exclusively.
     *
     * @throws LockTimeoutException when another process held it for longer than the patience
     * @throws IOException          from the lock file (naming it), or from {@code call}
     */
    public <T> T locked(IoCall<T> call) throws IOException {
        return run(false, true, call);
    }

    /** Like {@link #locked} with a shared lock: other shared holders run at the same time, in other processes. */
    public <T> T lockedShared(IoCall<T> call) throws IOException {
        return run(true, true, call);
    }

    /**
     * Runs {@code call} holding the lock exclusively if it is free now; empty, without waiting, when another
     * thread or process holds it. {@code call} must not return null.
     */
    public <T> Optional<T> lockedIfFree(IoCall<T> call) throws IOException {
        T result = run(false, false, call);
        return result == BUSY ? Optional.empty() : Optional.of(result);
    }

    /** Whether the calling thread is inside a call of this mutex (or of one sharing its in-process lock). */
    public boolean isHeldByCurrentThread() {
        return threads.isHeldByCurrentThread();
    }

    /**
     * Closes the lock file once no thread of this JVM is inside a call; a later call opens it again. A failure
     * is only logged: the kernel drops the lock at exit anyway.
     */
    @Override
    public void close() {
        threads.lock();
        try {
            closeChannel();
        } catch (IOException e) {
            LOG.warn("closing {} failed: {}", lockFile, e.getClass().getSimpleName());
        } finally {
            threads.unlock();
        }
    }

    @SuppressWarnings("unchecked") // BUSY is only returned by lockedIfFree, which never hands it out
    private <T> T run(boolean shared, boolean wait, IoCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            if (wait) {
                threads.lock();
            } else if (!threads.tryLock()) {
                return (T) BUSY;
            }
            try {
                if (held != null) {
                    if (held.isShared() && !shared) {
                        throw new IllegalStateException("a shared hold of " + lockFile + " cannot become exclusive");
                    }
                    return call.call(); // the kernel lock is already ours
                }
                if (!heldWithThreads.add(lockFile)) {
                    throw new IllegalStateException(
                            lockFile + " is already locked by this thread through another mutex");
                }
                try {
                    held = acquire(shared, wait);
                    if (held == null) {
                        return (T) BUSY;
                    }
                    return call.call();
                } finally {
                    release();
                    heldWithThreads.remove(lockFile);
                }
            } finally {
                threads.unlock();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FileLock acquire(boolean shared, boolean wait) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        while (true) {
            FileLock lock = attempt(shared);
            if (lock != null || !wait) {
                return lock;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LockTimeoutException(lockFile, patience, holders(lockFile));
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }

    /** The lock, or null when another process (or another mutex of this JVM on the same file) holds it. */
    private FileLock attempt(boolean shared) throws IOException {
        try {
            if (channel == null || !channel.isOpen()) {
                channel = open();
            }
            return channel.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            return null;
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // Channel operations throw plain IOExceptions that do not say which file they were about.
            throw new FileSystemException(
                    lockFile.toString(),
                    null,
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    private FileChannel open() throws IOException {
        if (keepOpen) {
            PrivateFiles.createDirectories(lockFile.getParent());
        }
        return PrivateFiles.open(
                lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private void release() throws IOException {
        FileLock lock = held;
        held = null;
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } finally {
            if (!keepOpen) {
                closeChannel();
            }
        }
    }

    private void closeChannel() throws IOException {
        FileChannel open = channel;
        channel = null;
        if (open != null) {
            open.close();
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
                if (fields.length >= 6
                        && !"->".equals(fields[1])
                        && fields[5].endsWith(":" + inode)
                        && fields[4].chars().allMatch(Character::isDigit)) {
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
