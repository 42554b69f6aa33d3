package io.llmgateway.store;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.IoCall;
import io.llmgateway.files.LinkedPathException;
import io.llmgateway.files.LockTimeoutException;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionState;
import io.llmgateway.session.SessionStore;
import io.llmgateway.store.StoreFiles.FileStamp;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable session store: a snapshot {@code sessions.json} plus an append-only journal
 * {@code sessions.journal.jsonl} in the data directory, shared by every gateway process using it.
 * File formats: {@link SessionFileFormat}.
 *
 * <p>An update appends one journal line and fsyncs it, so its cost does not grow with the number of
 * sessions (rewriting the whole file did: 79 ms per create at 10,000 sessions). When the journal
 * holds more than {@code max(2000, sessions / 2)} changes it is folded into a new snapshot
 * (compaction). Each process keeps the state in memory; before every call it stats both files to
 * learn whether another process appended (journal size) or compacted (a new file), then applies only
 * the new lines, or reloads after a compaction.
 *
 * <p>Updates hold an exclusive kernel lock on {@code sessions.lock} (never deleted; the kernel drops
 * it when a process dies), reads a shared one. A call that cannot get it within {@code lockPatience}
 * (another process stuck while holding it) fails with {@code store_unavailable} naming that process. The journal header names the snapshot generation it
 * continues; a journal older than the snapshot is the leftover of a compaction interrupted between
 * its two renames and is ignored. A last line without a newline is a write cut short by a crash: it
 * never counts, and the next update truncates it. The header itself is never cut short (a journal is
 * started by renaming a complete file in), so a journal without a complete header was overwritten.
 *
 * <p>The original gateway's {@code sessions.json} (2.11.1 or 3.x, {@link OriginalSessionsFile}) is imported:
 * its bytes are kept in {@code sessions.json.original-<UTC time>}, then this gateway's snapshot replaces it;
 * never while the original runs on the directory ({@link RunningOriginal}).
 *
 * <p>Damaged files are never overwritten: a corrupt snapshot or journal, or a symbolic link in their place,
 * is renamed to {@code <name>.corrupt-<UTC time>}, reported through {@link #warnings()} and the log, and
 * the store carries on with what it could read: of a damaged journal, every transaction still readable.
 *
 * <p>Kernel record locks belong to the process and closing any descriptor of the lock file drops
 * them, so use one instance per data directory per JVM; a mutex serialises its callers.
 */
public final class JsonFileSessionStore implements SessionStore {
    static final String SNAPSHOT_FILE = "sessions.json";
    static final String JOURNAL_FILE = "sessions.journal.jsonl";
    static final String LOCK_FILE = "sessions.lock";
    static final int DEFAULT_COMPACTION_MIN_CHANGES = 2000;

    private static final Logger log = LoggerFactory.getLogger(JsonFileSessionStore.class);
    private static final String LINKED = "it is a symbolic link, which the gateway never reads or writes through";
    private static final DateTimeFormatter QUARANTINE_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dataDir;
    private final Path snapshotFile;
    private final Path journalFile;
    private final Path lockFile;
    private final Clock clock;
    private final int compactionMinChanges;
    private final FileMutex lock;
    private final SessionFileFormat format = new SessionFileFormat();
    private final ReentrantLock mutex = new ReentrantLock();
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    // Guarded by mutex.
    private Cache cache;
    private boolean closed;

    /**
     * Opens nothing yet: the directory (created 0700 if missing) and files are reached on each call,
     * so a broken data directory fails calls with {@code store_unavailable} until someone fixes it.
     */
    public JsonFileSessionStore(Path dataDir, Clock clock) {
        this(dataDir, clock, DEFAULT_COMPACTION_MIN_CHANGES, FileMutex.PATIENCE);
    }

    /**
     * {@code compactionMinChanges}: journal changes always tolerated before compacting (tests use few);
     * {@code lockPatience}: how long a call waits for another process's lock before failing.
     */
    JsonFileSessionStore(Path dataDir, Clock clock, int compactionMinChanges, Duration lockPatience) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.snapshotFile = this.dataDir.resolve(SNAPSHOT_FILE);
        this.journalFile = this.dataDir.resolve(JOURNAL_FILE);
        this.lockFile = this.dataDir.resolve(LOCK_FILE);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.compactionMinChanges = compactionMinChanges;
        this.lock = new FileMutex(lockFile, Objects.requireNonNull(lockPatience, "lockPatience"));
    }

    /** What this process knows of the files, and the state they hold. */
    private static final class Cache {
        SessionState state = new SessionState();
        /** Null when there is no (readable) snapshot. */
        FileStamp snapshot;
        /**
         * Kept open, like the journal, so a newer snapshot can never reuse its inode: an equal stamp (same
         * inode, size and coarse mtime) must really mean the same file, or this process would miss a
         * compaction that was cut short before the journal was replaced and append to a stale journal.
         */
        FileChannel snapshotHandle;

        long snapshotGeneration;
        /** Null when there is no journal; kept open so its inode cannot be reused by a newer journal. */
        FileChannel journal;

        FileStamp journalStamp;
        long journalGeneration = -1;
        /** The header is complete and not older than the snapshot, so the lines count. */
        boolean journalApplies;
        /** Offset just after the last line consumed. */
        long journalEnd;
        /** Transactions after the header, for line numbers in warnings. */
        int journalLines;
        /** Changes in the journal's lines, to decide when to compact. */
        long journalChanges;
        /** A file was moved aside: write a fresh snapshot of what is left before the next append. */
        boolean needsCompaction;
    }

    @Override
    public <T> T read(Function<SessionState, T> query) {
        return withStore(() -> {
            // Null when a damaged file has to be moved aside, which takes the exclusive lock.
            Optional<T> answered =
                    lock.lockedShared(() -> catchUp(false) ? Optional.ofNullable(query.apply(cache.state)) : null);
            if (answered != null) {
                return answered.orElse(null);
            }
            return lock.locked(() -> {
                catchUp(true);
                return query.apply(cache.state);
            });
        });
    }

    @Override
    public <T> T update(Function<SessionState, Transaction<T>> transaction) {
        return withStore(() -> lock.locked(() -> {
            catchUp(true);
            Transaction<T> decided = transaction.apply(cache.state);
            if (!decided.changes().isEmpty()) {
                append(format.journalEntry(decided.changes()));
                decided.changes().forEach(cache.state::apply);
                cache.journalChanges += decided.changes().size();
                if (cache.journalChanges > Math.max(compactionMinChanges, cache.state.size() / 2)) {
                    compactAfterCommit();
                }
            }
            return decided.result();
        }));
    }

    @Override
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void close() {
        mutex.lock();
        try {
            closed = true;
            forgetCache();
            lock.close();
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Runs {@code call} as the only call of this store in the JVM; {@code call} takes the kernel lock it needs.
     * The mutex guards the cache; the lock holds back an interrupt until its call is over, which keeps the
     * cache's channels open too.
     */
    private <T> T withStore(IoCall<T> call) {
        if (mutex.isHeldByCurrentThread()) {
            throw new IllegalStateException("a query or transaction must not call the session store");
        }
        mutex.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the session store is closed");
            }
            return call.call();
        } catch (LockTimeoutException e) {
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "The session store is busy: " + e.getMessage() + "; " + e.advice() + ".",
                    Map.of("path", lockFile.toString(), "lockHolders", e.holders()));
        } catch (IOException e) {
            forgetCache();
            throw unavailable(e);
        } finally {
            mutex.unlock();
        }
    }

    /** Brings the cache up to date with the files; false when a damaged file needs the exclusive lock. */
    private boolean catchUp(boolean exclusive) throws IOException {
        FileStamp snapshot = FileStamp.of(snapshotFile);
        FileStamp journal = FileStamp.of(journalFile);
        boolean reload = cache == null
                || !Objects.equals(snapshot, cache.snapshot)
                || (journal == null ? cache.journal != null : !journal.sameFile(cache.journalStamp))
                || (journal != null && !cache.journalApplies && journal.size() != cache.journalEnd)
                || (journal != null && journal.size() < cache.journalEnd);
        boolean caughtUp = true;
        if (reload) {
            caughtUp = reload(snapshot, exclusive);
        } else if (journal != null && journal.size() != cache.journalEnd) {
            caughtUp = readJournal(cache.journalEnd, exclusive);
        }
        if (!caughtUp) {
            forgetCache(); // half read: the exclusive pass starts over and moves the damaged file aside
            return false;
        }
        if (exclusive) {
            repair();
        }
        return true;
    }

    private boolean reload(FileStamp snapshot, boolean exclusive) throws IOException {
        forgetCache();
        Cache fresh = new Cache();
        FileChannel handle = null;
        if (snapshot != null) {
            try {
                handle = StoreFiles.on(snapshotFile, () -> PrivateFiles.open(snapshotFile, StandardOpenOption.READ));
            } catch (LinkedPathException e) {
                if (!linkAt(e, snapshotFile, exclusive)) {
                    return false;
                }
                quarantine(snapshotFile, LINKED, "carried on without it");
                fresh.needsCompaction = true;
            }
        }
        if (handle != null) {
            FileChannel opened = handle;
            fresh.snapshotHandle = opened;
            byte[] content;
            try {
                content = StoreFiles.on(snapshotFile, () -> StoreFiles.read(opened, 0, Math.toIntExact(opened.size())));
            } catch (IOException e) {
                closeQuietly(opened);
                throw e;
            }
            try {
                SessionFileFormat.Snapshot decoded = format.readSnapshot(content);
                if (decoded.imported() != null) {
                    if (!exclusive) {
                        closeQuietly(opened);
                        return false; // importing writes: the exclusive pass does it
                    }
                    importOriginal(content, decoded.imported(), opened);
                    fresh.needsCompaction = true;
                }
                fresh.state = decoded.state();
                fresh.snapshotGeneration = decoded.generation();
                fresh.snapshot = snapshot;
            } catch (MalformedStoreFileException e) {
                if (!exclusive) {
                    return false;
                }
                quarantine(
                        snapshotFile,
                        e.getMessage(),
                        "carried on without the sessions it held (fix that file and move it back while no gateway"
                                + " runs to restore them)");
                fresh.needsCompaction = true;
            }
        }
        cache = fresh;
        try {
            fresh.journal = PrivateFiles.open(journalFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return true;
        } catch (LinkedPathException e) {
            if (!linkAt(e, journalFile, exclusive)) {
                return false;
            }
            quarantine(journalFile, LINKED, "carried on without it");
            fresh.needsCompaction = true;
            return true;
        }
        fresh.journalStamp = FileStamp.of(journalFile);
        return readJournal(0, exclusive);
    }

    /**
     * Whether a refused link is {@code file} itself, which the exclusive lock lets this process move aside; a
     * link above it (the data directory) is rethrown: nothing in there may be touched.
     */
    private static boolean linkAt(LinkedPathException e, Path file, boolean exclusive) throws LinkedPathException {
        if (!e.link().equals(file)) {
            throw e;
        }
        return exclusive;
    }

    /** Applies the journal's complete lines from {@code start} (0: from the header). */
    private boolean readJournal(long start, boolean exclusive) throws IOException {
        FileChannel journal = cache.journal;
        byte[] content = StoreFiles.on(
                journalFile, () -> StoreFiles.read(journal, start, Math.toIntExact(journal.size() - start)));
        int from = 0;
        if (start == 0) {
            int headerEnd = indexOfNewline(content, 0);
            if (headerEnd < 0) {
                // A journal starts as a complete file renamed in, so no header line means it was overwritten.
                return journalDamaged(
                        content, 0, content.length == 0 ? "it is empty" : "it has no complete header line", exclusive);
            }
            try {
                cache.journalGeneration = format.readJournalHeader(content, 0, headerEnd);
            } catch (MalformedStoreFileException e) {
                return journalDamaged(content, 0, "line 1: " + e.getMessage(), exclusive);
            }
            if (cache.journalGeneration < cache.snapshotGeneration) {
                // Left over from an interrupted compaction: the snapshot already holds its changes.
                cache.journalEnd = content.length;
                return true;
            }
            cache.journalApplies = true;
            from = headerEnd + 1;
            cache.journalEnd = from;
        }
        for (int newline; (newline = indexOfNewline(content, from)) >= 0; from = newline + 1) {
            List<SessionChange> changes;
            try {
                changes = format.readJournalEntry(content, from, newline - from);
            } catch (MalformedStoreFileException e) {
                return journalDamaged(
                        content, from, "line " + (cache.journalLines + 2) + ": " + e.getMessage(), exclusive);
            }
            changes.forEach(cache.state::apply);
            cache.journalEnd = start + newline + 1;
            cache.journalLines++;
            cache.journalChanges += changes.size();
        }
        return true;
    }

    /**
     * Under the exclusive lock: applies every transaction still readable in {@code content} from {@code from}
     * on (what comes before is applied already), moves the journal aside, and has what is known compacted.
     */
    private boolean journalDamaged(byte[] content, int from, String problem, boolean exclusive) throws IOException {
        if (!exclusive) {
            return false;
        }
        SessionFileFormat.Recovered recovered = format.recoverJournal(content, from, cache.snapshotGeneration);
        recovered.transactions().forEach(changes -> changes.forEach(cache.state::apply));
        closeQuietly(cache.journal);
        cache.journal = null;
        cache.journalStamp = null;
        cache.journalApplies = false;
        int kept = recovered.transactions().size();
        quarantine(
                journalFile,
                problem,
                kept == 0
                        ? "carried on without the changes recorded from there on (none" + " could be read)"
                        : "kept the " + kept + " transaction(s) still readable from there on"
                                + (recovered.unreadableLines() > 1
                                        ? " (" + recovered.unreadableLines() + " lines could not be read)"
                                        : ""));
        cache.needsCompaction = true;
        return true;
    }

    /** Under the exclusive lock: leaves a valid snapshot and a journal that new lines can be appended to. */
    private void repair() throws IOException {
        if (cache.needsCompaction || cache.snapshot == null) {
            compact();
        } else if (!cache.journalApplies) {
            startJournal(cache.snapshotGeneration);
        } else {
            FileChannel journal = cache.journal;
            long end = cache.journalEnd;
            StoreFiles.on(journalFile, () -> {
                if (journal.size() > end) {
                    log.info("Discarding the incomplete last line of {} left by an interrupted write", journalFile);
                    journal.truncate(end);
                    journal.force(false);
                }
                return null;
            });
        }
    }

    private void append(byte[] entry) throws IOException {
        long start = cache.journalEnd;
        FileChannel journal = cache.journal;
        try {
            StoreFiles.on(journalFile, () -> {
                StoreFiles.write(journal, start, entry);
                journal.force(false);
                return null;
            });
        } catch (IOException e) {
            rollBack(start);
            throw e;
        }
        cache.journalEnd = start + entry.length;
        cache.journalLines++;
    }

    /** Cuts off a failed append so that no process ever sees a change its caller was told had failed. */
    private void rollBack(long journalLength) {
        try (FileChannel journal = PrivateFiles.open(journalFile, StandardOpenOption.WRITE)) {
            journal.truncate(journalLength);
            journal.force(false);
        } catch (IOException e) {
            log.warn("Could not remove a failed write from {} ({})", journalFile, reason(e));
        }
    }

    /** The change is already durable, so a failed compaction must not fail the update: it is retried later. */
    private void compactAfterCommit() {
        try {
            compact();
        } catch (IOException e) {
            forgetCache();
            log.warn("Could not compact the session journal in {} ({}); a later update will retry", dataDir, reason(e));
        }
    }

    private void compact() throws IOException {
        long generation = Math.max(cache.snapshotGeneration, cache.journalGeneration) + 1;
        SessionState state = cache.state;
        PrivateFiles.replaceAtomically(snapshotFile, out -> format.writeSnapshot(out, generation, state));
        closeQuietly(cache.snapshotHandle);
        cache.snapshotHandle = PrivateFiles.open(snapshotFile, StandardOpenOption.READ);
        cache.snapshot = FileStamp.of(snapshotFile);
        cache.snapshotGeneration = generation;
        cache.needsCompaction = false;
        startJournal(generation);
    }

    private void startJournal(long generation) throws IOException {
        PrivateFiles.replaceAtomically(journalFile, out -> out.write(format.journalHeader(generation)));
        closeQuietly(cache.journal);
        cache.journal = PrivateFiles.open(journalFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        cache.journalStamp = FileStamp.of(journalFile);
        cache.journalGeneration = generation;
        cache.journalApplies = true;
        cache.journalEnd = cache.journal.size();
        cache.journalLines = 0;
        cache.journalChanges = 0;
    }

    /**
     * Under the exclusive lock, before the first write over the original gateway's {@code sessions.json}: keeps
     * its bytes in {@code sessions.json.original-<UTC time>}; the caller's compaction then writes this
     * gateway's snapshot in its place. Refused (nothing written) while the original runs on this directory.
     */
    private void importOriginal(byte[] content, OriginalSessionsFile.Imported imported, FileChannel opened)
            throws IOException {
        List<RunningOriginal.Sighting> running = RunningOriginal.on(dataDir);
        if (!running.isEmpty()) {
            closeQuietly(opened);
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE,
                    snapshotFile + " is the original llm-cli-gateway's, and the original is running on " + dataDir
                            + ": " + running.get(0).describe() + ". This gateway imports that file once the original"
                            + " has stopped, so that the two never write one directory at the same time: stop it"
                            + " (kill " + running.get(0).pid() + "), or give this gateway another data directory"
                            + " (LLM_GATEWAY_HOME).",
                    Map.of(
                            "path",
                            snapshotFile.toString(),
                            "originalPids",
                            running.stream().map(RunningOriginal.Sighting::pid).toList()));
        }
        Path copy = StoreFiles.keepCopy(snapshotFile, QUARANTINE_TIME.format(clock.instant()), content);
        log.info(
                "Imported {} session(s) and {} active pointer(s) from the original llm-cli-gateway's {} ({} format);"
                        + " its bytes are kept in {}",
                imported.sessions(),
                imported.pointers(),
                snapshotFile,
                imported.version(),
                copy);
        for (String skipped : imported.skipped()) {
            String warning = "The original gateway's sessions.json: " + skipped + " (it is kept in " + copy + ").";
            log.warn(warning);
            warnings.add(warning);
        }
    }

    private void quarantine(Path file, String problem, String consequence) throws IOException {
        Path target = StoreFiles.moveAside(file, QUARANTINE_TIME.format(clock.instant()));
        String warning = file.getFileName() + " is damaged (" + problem + "); moved it unchanged to " + target + " and "
                + consequence + ".";
        log.warn(warning);
        warnings.add(warning);
    }

    private void forgetCache() {
        if (cache != null) {
            closeQuietly(cache.snapshotHandle);
            closeQuietly(cache.journal);
            cache = null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written through it that is not already forced; the descriptor is gone either way.
            log.debug("Closing a store file failed: {}", e.toString());
        }
    }

    private static int indexOfNewline(byte[] content, int from) {
        for (int i = from; i < content.length; i++) {
            if (content[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private GatewayException unavailable(IOException e) {
        if (e instanceof LinkedPathException linked) {
            return new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "The session store refuses " + linked.getMessage() + ".",
                    Map.of("path", linked.link().toString()));
        }
        String path =
                e instanceof FileSystemException fse && fse.getFile() != null ? fse.getFile() : dataDir.toString();
        return new GatewayException(
                ErrorCode.STORE_UNAVAILABLE,
                "The session store cannot use " + path + " (" + reason(e) + "); make " + dataDir
                        + " a directory this user can read and write, on a disk with free space,"
                        + " or set LLM_GATEWAY_HOME to one.",
                Map.of("path", path));
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
            return "not a directory";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
