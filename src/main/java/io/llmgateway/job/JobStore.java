package io.llmgateway.job;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.FileMutexes;
import io.llmgateway.files.IoCall;
import io.llmgateway.files.LinkedPathException;
import io.llmgateway.files.LockTimeoutException;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.job.supervisor.ExitReport;
import io.llmgateway.job.supervisor.JobFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job directories under {@code <dataDir>/jobs}. Records are read without locks (they are replaced
 * atomically) and changed under the job's lock. Terminal records never change, so this process caches
 * them (without their results) to list and count jobs cheaply. An entry that cannot be used (a damaged
 * record, a stray file, a link) is warned about once, and again only when it changes.
 */
final class JobStore {
    private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);
    static final String ID_PREFIX = "job-";
    private static final Pattern ID_PATTERN =
            Pattern.compile("job-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String DIRECTORY_LOCK = "jobs.lock";

    private final Path jobsDir;
    private final FileMutexes locks;
    private final FileMutex directoryLock;
    private final JobRecordFormat format;
    private final Map<String, JobRecord> terminal = new ConcurrentHashMap<>();
    /** Entries warned about, with what they were then; only entries still listed are kept. */
    private final Map<String, List<Object>> warned = new ConcurrentHashMap<>();

    JobStore(Path dataDir, FileMutexes locks, JobRecordFormat format) {
        this.jobsDir = dataDir.resolve("jobs");
        this.locks = locks;
        this.directoryLock = locks.of(jobsDir.resolve(DIRECTORY_LOCK));
        this.format = format;
    }

    static String newId() {
        return ID_PREFIX + UUID.randomUUID();
    }

    /** Throws invalid_argument unless {@code id} looks like a job id (it becomes a path). */
    static void checkId(String id) {
        if (id == null || !ID_PATTERN.matcher(id).matches()) {
            throw GatewayException.invalidArgument("Job ids look like job-<uuid> (e.g. job-5f0c...); got "
                    + (id == null
                            ? "null"
                            : id.length() > 50 ? "an invalid " + id.length() + "-character value" : "'" + id + "'"));
        }
    }

    /** Runs an action on the job files; their failures become store_unavailable errors for the caller. */
    static <T> T orStoreUnavailable(IoCall<T> action) {
        try {
            return action.call();
        } catch (LockTimeoutException e) {
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE, "The job files are busy: " + e.getMessage() + "; " + e.advice() + ".");
        } catch (LinkedPathException e) {
            throw new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The job files refuse " + e.getMessage() + ".");
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "The job files in the data directory cannot be " + "read or written (" + e.getMessage()
                            + "); check its permissions and free space.");
        }
    }

    JobFiles files(String id) {
        return new JobFiles(jobsDir.resolve(id));
    }

    <T> T withDirectoryLock(IoCall<T> action) throws IOException {
        PrivateFiles.createDirectories(jobsDir);
        return directoryLock.locked(action);
    }

    /** Creates the job's directory and empty files, then its record. */
    void create(JobRecord record) throws IOException {
        createRunDirectory(record.id());
        register(record);
    }

    /**
     * Creates a run's directory with empty output files but no record: a sync request's scratch
     * directory, which becomes its job's directory if the request is deferred ({@link #register}).
     * Lists skip it until then.
     */
    JobFiles createRunDirectory(String id) throws IOException {
        JobFiles files = files(id);
        PrivateFiles.createDirectories(jobsDir);
        Files.createDirectory(files.dir(), JobFiles.PRIVATE_DIRECTORY);
        PrivateFiles.createEmptyFile(files.stdout());
        PrivateFiles.createEmptyFile(files.stderr());
        return files;
    }

    /** Names the gateway whose sync request the run directory is (no fsync: it only matters while the machine is up). */
    void recordOwner(JobFiles files, ProcessRef owner) throws IOException {
        PrivateFiles.replaceVisibly(files.owner(), (owner.asText() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Makes a run directory a job: its lock file and first record. */
    void register(JobRecord record) throws IOException {
        PrivateFiles.createEmptyFile(files(record.id()).lock());
        write(record);
    }

    /**
     * A run directory that is not a job (no record, no lock): a sync request in progress, or one left
     * behind by a gateway that died.
     *
     * @param owner    the gateway whose sync request it is; empty when not (yet) recorded
     * @param modified when the directory last changed
     */
    record UnregisteredRun(String id, Optional<ProcessRef> owner, Instant modified) {}

    List<UnregisteredRun> unregisteredRuns() throws IOException {
        List<UnregisteredRun> runs = new ArrayList<>();
        if (!Files.exists(jobsDir, LinkOption.NOFOLLOW_LINKS)) {
            return runs;
        }
        try (DirectoryStream<Path> entries = PrivateFiles.newDirectoryStream(jobsDir, ID_PREFIX + "*")) {
            for (Path dir : entries) {
                String id = dir.getFileName().toString();
                JobFiles files = files(id);
                if (Files.exists(files.record(), LinkOption.NOFOLLOW_LINKS)
                        || Files.exists(files.lock(), LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Optional<ProcessRef> owner;
                try {
                    owner = ProcessRef.parse(PrivateFiles.readString(files.owner()));
                } catch (NoSuchFileException e) {
                    owner = Optional.empty();
                } catch (IOException e) {
                    // Nobody can tell whose it is: left to the retention sweep, like a run whose owner is unknown.
                    warnOnce(id, "Cannot read the owner of run directory {}: {}", e);
                    owner = Optional.empty();
                }
                try {
                    runs.add(new UnregisteredRun(
                            id,
                            owner,
                            Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS)
                                    .toInstant()));
                } catch (NoSuchFileException e) {
                    // removed meanwhile (its call ended, or another gateway swept it)
                }
            }
        }
        return runs;
    }

    void write(JobRecord record) throws IOException {
        PrivateFiles.replaceAtomically(files(record.id()).record(), format.write(record));
        if (record.status().isTerminal()) {
            terminal.put(record.id(), summary(record));
        }
    }

    /** The record, or empty when there is no such job (or it was just removed). */
    Optional<JobRecord> read(String id) throws IOException {
        byte[] bytes;
        try {
            bytes = PrivateFiles.readAllBytes(files(id).record());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(format.read(bytes));
    }

    JobRecord require(String id) {
        try {
            return read(id).orElseThrow(() -> notFound(id));
        } catch (IOException e) {
            throw unreadable(id, e);
        }
    }

    /** A change of one record, decided under the job's lock. */
    interface Change {
        /** Returns the new record, or {@code current} itself for no change. */
        JobRecord apply(JobRecord current) throws IOException;
    }

    /** Changes a record under the job's lock; returns the record as it then is. */
    JobRecord update(String id, Change change) throws IOException {
        JobFiles files = files(id);
        if (!Files.isDirectory(files.dir())) {
            throw notFound(id);
        }
        return locks.of(files.lock()).locked(() -> {
            JobRecord current = read(id).orElseThrow(() -> notFound(id));
            JobRecord next = change.apply(current);
            if (next != current) {
                write(next);
            }
            return next;
        });
    }

    Optional<ExitReport> readExit(String id) throws IOException {
        try {
            return Optional.of(
                    format.readExit(PrivateFiles.readAllBytes(files(id).exit())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Every job, newest first; terminal ones from the cache and without their results. Unreadable records
     * are skipped (and logged): one damaged directory must not hide the others.
     */
    List<JobRecord> all() throws IOException {
        List<JobRecord> jobs = new ArrayList<>();
        if (!Files.exists(jobsDir, LinkOption.NOFOLLOW_LINKS)) {
            return jobs;
        }
        Set<String> listed = new HashSet<>();
        try (DirectoryStream<Path> entries = PrivateFiles.newDirectoryStream(jobsDir, ID_PREFIX + "*")) {
            for (Path dir : entries) {
                String id = dir.getFileName().toString();
                listed.add(id);
                JobRecord cached = terminal.get(id);
                if (cached != null) {
                    jobs.add(cached);
                    continue;
                }
                try {
                    read(id).ifPresent(r -> {
                        if (r.status().isTerminal()) {
                            terminal.put(id, summary(r));
                        }
                        jobs.add(r);
                    });
                } catch (IOException e) {
                    warnOnce(id, "Skipping unreadable job record {}: {}", e);
                }
            }
        }
        terminal.keySet().retainAll(listed); // removed by another gateway's retention sweep
        warned.keySet().retainAll(listed);
        jobs.sort(Comparator.comparing(JobRecord::createdAt).reversed().thenComparing(JobRecord::id));
        return jobs;
    }

    /** Removes a finished job's directory and everything in it. */
    void delete(String id) throws IOException {
        terminal.remove(id);
        PrivateFiles.deleteTree(files(id).dir());
    }

    /**
     * Logs {@code problem} (a format with the entry's id and the reason) about entry {@code id} of the jobs
     * directory, unless it was logged already for the entry as it now is: every pass over the directory
     * meets the same bad entries.
     */
    void warnOnce(String id, String problem, IOException reason) {
        List<Object> now = List.of(identity(files(id).dir()), identity(files(id).record()));
        if (!now.equals(warned.put(id, now))) {
            String message = String.valueOf(reason.getMessage());
            LOG.warn(
                    problem,
                    id,
                    message.lines().findFirst().orElse(reason.getClass().getSimpleName()));
        }
    }

    /** Which file is at {@code path} and in what state: inode, size, modification time ("absent" if none). */
    private static Object identity(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime());
        } catch (IOException e) {
            return "absent";
        }
    }

    static GatewayException notFound(String id) {
        return new GatewayException(
                ErrorCode.JOB_NOT_FOUND,
                "No job with id " + id
                        + " (finished jobs are removed after the retention period); use llm_job_list to see jobs.");
    }

    static GatewayException unreadable(String id, IOException e) {
        return new GatewayException(
                ErrorCode.STORE_UNAVAILABLE,
                "The record of job " + id + " cannot be read (" + e.getMessage() + "); check the data directory.");
    }

    private static JobRecord summary(JobRecord r) {
        return r.result() == null
                ? r
                : new JobRecord(
                        r.id(),
                        r.cli(),
                        r.status(),
                        r.deferred(),
                        r.createdAt(),
                        r.startedAt(),
                        r.finishedAt(),
                        r.sessionId(),
                        r.correlationId(),
                        r.workingDir(),
                        r.dedupKey(),
                        r.context(),
                        r.runner(),
                        r.cancelRequested(),
                        r.exitCode(),
                        null,
                        r.error(),
                        r.owner());
    }
}
