package io.llmgateway.job;

import static io.llmgateway.job.JobStore.orStoreUnavailable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.config.JobConfig;
import io.llmgateway.core.CancelSignal;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.files.FileMutexes;
import io.llmgateway.job.supervisor.JobFiles;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.ProviderRuns;
import io.llmgateway.redact.SecretRedactor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable asynchronous jobs (see docs/JOBS.md). Every job lives in {@code <dataDir>/jobs/<jobId>/}; any
 * gateway process sharing the data directory can report, finalize and cancel any job. Async jobs run
 * under a detached supervisor process; sync requests run their CLI in a session of its own, with its
 * output going to files, watched by this process, and are turned into jobs ("deferred") when they outlive
 * the sync deadline. Both survive the gateway: a deferred request whose gateway is gone is adopted by the
 * next gateway that looks at it.
 *
 * <p>The one entry point of the package: it wires the parts and delegates. {@link JobQueue} admits and
 * starts async jobs, {@link JobFinalizer} brings records up to date from the files, {@link SyncRequests}
 * runs and defers sync requests, {@link JobCanceller} cancels, {@link JobSweeper} removes what is no longer
 * needed, and {@link WatchedRuns} holds the runs this process watches. This class creates what the parts
 * share and hands it to them through their constructors.
 *
 * <p>A job belongs to the grant that submitted it (or whose sync request was deferred): for every other
 * grant it does not exist (job_not_found, left out of lists).
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    /** The warning of a deferred job completed from its output (kept here for the tests). */
    static final String EXIT_STATUS_UNKNOWN = JobFinalizer.EXIT_STATUS_UNKNOWN;

    private final JobConfig config;
    private final JobStore store;
    private final ProgressFiles progressFiles;
    private final SecretRedactor redactor;
    private final ScheduledExecutorService scheduler;
    private final WatchedRuns runs;
    private final JobFinalizer finalizer;
    private final JobQueue queue;
    private final SyncRequests sync;
    private final JobCanceller canceller;
    private final JobSweeper sweeper;
    /** The last watch pass's failure, null while passes succeed (passes run one at a time). */
    private volatile String watchFailure;

    /** @param redactor removes secrets from the output pages and progress lines it hands out */
    public JobService(
            Path dataDir,
            JobConfig config,
            ProviderRuns provider,
            FileMutexes locks,
            ObjectMapper mapper,
            Clock clock,
            SecretRedactor redactor) {
        this.config = config;
        this.store = new JobStore(dataDir, locks, new JobRecordFormat(mapper));
        this.redactor = redactor;
        this.progressFiles = new ProgressFiles(mapper, redactor, provider);
        // One thread watches the jobs directory, one sends progress: a slow pass must not delay progress.
        this.scheduler = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "jobs-watch");
            thread.setDaemon(true);
            return thread;
        });
        ProcessRef self = ProcessRef.current();
        JobClock now = new JobClock(clock);
        DedupKey dedup = new DedupKey(mapper);
        this.runs = new WatchedRuns(store, self);
        // The finalizer starts queued jobs when a job ends; the queue refreshes records through it.
        this.finalizer = new JobFinalizer(store, provider, runs, self, now, this::dispatchQuietly);
        this.queue = new JobQueue(config, provider, store, finalizer, dedup, new SupervisorLauncher(), now);
        this.sync =
                new SyncRequests(config, provider, store, runs, finalizer, dedup, progressFiles, scheduler, self, now);
        this.canceller = new JobCanceller(store, provider, runs, finalizer, now);
        this.sweeper = new JobSweeper(config, store, now);
    }

    /** Starts watching the jobs directory: finalizes finished jobs, detects orphans, starts queued jobs. */
    public void start() {
        long millis = config.watchInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::watchQuietly, 0, millis, TimeUnit.MILLISECONDS);
    }

    // ---- results of the operations ------------------------------------------------------------

    /** @param deduplicated an identical earlier request's job was returned instead of starting a new one */
    public record Submission(JobRecord job, boolean deduplicated) {}

    /**
     * @param progress      a short privacy-safe progress line, null before any output
     * @param queuePosition 1 for the next job to start; null unless queued
     */
    public record JobView(JobRecord job, long stdoutBytes, long stderrBytes, String progress, Integer queuePosition) {}

    /**
     * A piece of one output stream.
     *
     * @param offset     byte offset the piece starts at
     * @param nextOffset byte offset to ask for next
     * @param totalBytes the stream's size now
     * @param complete   the job is finished and this piece reaches the end of the stream
     */
    public record OutputPage(
            String stream, long offset, long nextOffset, long totalBytes, boolean complete, String text) {}

    /**
     * @param output     the page asked for
     * @param stdoutHead the first maxChars of stdout, and {@code stderrHead} of stderr (the original gateway's
     *                   {@code result.stdout}/{@code stderr})
     */
    public record JobResult(JobRecord job, OutputPage output, StreamHead stdoutHead, StreamHead stderrHead) {}

    /** The first maxChars of a stream, or (page null) why it cannot be read. */
    public record StreamHead(OutputPage page, String unreadable) {}

    public record JobPage(int total, List<JobRecord> jobs) {}

    public record Cancellation(JobRecord job, JobStatus previousStatus) {}

    /** Jobs of every grant and gateway on the data directory, by state. */
    public record ActiveCounts(int running, int queued) {}

    /** What a sync request ended with: its result, or the job it continues as. */
    public sealed interface SyncOutcome {}

    public record Completed(ProviderResult result) implements SyncOutcome {}

    public record Deferred(JobRecord job) implements SyncOutcome {}

    // ---- operations ----------------------------------------------------------------------------

    /**
     * Starts (or queues) a canonical request as a job and returns at once. An identical request within the dedup
     * window that is queued, running or completed is returned instead, unless {@code forceRefresh}.
     *
     * @throws GatewayException queue_full when the queue is full; the provider's errors for a request that cannot
     *                          be prepared (e.g. cli_not_found)
     */
    public Submission submit(ProviderId cli, CanonicalRequest request, boolean forceRefresh) {
        return queue.submit(cli, request, forceRefresh);
    }

    /** Job ids look like job-&lt;uuid&gt;; anything else is invalid_argument. */
    public static void checkId(String id) {
        JobStore.checkId(id);
    }

    public JobView status(Principal owner, String id) {
        JobRecord job = finalizer.refreshAndDispatch(owned(owner, id));
        JobFiles files = store.files(id);
        Integer position = job.status() == JobStatus.QUEUED ? queue.position(id) : null;
        String progress = progressFiles.line(id, job.cli(), files.stdout());
        return new JobView(job, JobFiles.sizeOf(files.stdout()), JobFiles.sizeOf(files.stderr()), progress, position);
    }

    /**
     * A finished job's result (the provider's, as the sync tool returns it) and a page of one of its output streams,
     * redacted (see {@link OutputPages}).
     *
     * @param stream   "stdout" or "stderr"
     * @param offset   byte offset to start at (a previous page's nextOffset)
     * @param maxChars at most this many characters of output
     */
    public JobResult result(Principal owner, String id, String stream, long offset, int maxChars) {
        JobRecord job = finalizer.refreshAndDispatch(owned(owner, id));
        JobFiles files = store.files(id);
        boolean finished = job.status().isTerminal();
        return orStoreUnavailable(() -> new JobResult(
                job,
                OutputPages.read(
                        "stderr".equals(stream) ? files.stderr() : files.stdout(),
                        stream,
                        offset,
                        maxChars,
                        finished,
                        redactor),
                head(files.stdout(), "stdout", maxChars, finished),
                head(files.stderr(), "stderr", maxChars, finished)));
    }

    /** A stream's head; one that cannot be read (e.g. a planted link) says why instead of failing the other page. */
    private StreamHead head(Path file, String stream, int maxChars, boolean finished) {
        try {
            return new StreamHead(
                    orStoreUnavailable(() -> OutputPages.read(file, stream, 0, maxChars, finished, redactor)), null);
        } catch (GatewayException e) {
            return new StreamHead(null, e.getMessage());
        }
    }

    public JobPage list(Principal owner, Optional<JobStatus> status, Optional<ProviderId> cli, int limit, int offset) {
        List<JobRecord> matching = orStoreUnavailable(store::all).stream()
                .filter(j -> owner.owns(j.owner()))
                .map(j -> j.status() == JobStatus.RUNNING ? finalizer.refreshAndDispatch(j) : j)
                .filter(j -> status.isEmpty() || j.status() == status.get())
                .filter(j -> cli.isEmpty() || j.cli() == cli.get())
                .toList();
        int from = Math.min(offset, matching.size());
        return new JobPage(matching.size(), matching.subList(from, Math.min(matching.size(), from + limit)));
    }

    /**
     * Stops a job: a queued one never starts; a running one has its whole process tree killed (from any
     * gateway). Waits until the job is finalized, at most {@code JobCanceller.CANCEL_WAIT}. A finished job is
     * left as it is.
     */
    public Cancellation cancel(Principal owner, String id) {
        owned(owner, id);
        return canceller.cancel(id);
    }

    /** How many jobs run and wait, of every grant (load figures; no job is named). */
    public ActiveCounts activeCounts() {
        List<JobRecord> all = orStoreUnavailable(store::all);
        int running =
                (int) all.stream().filter(j -> j.status() == JobStatus.RUNNING).count();
        int queued =
                (int) all.stream().filter(j -> j.status() == JobStatus.QUEUED).count();
        return new ActiveCounts(running, queued);
    }

    /** The owner's job: another grant's is reported exactly like one that does not exist. */
    private JobRecord owned(Principal owner, String id) {
        JobStore.checkId(id);
        JobRecord job = store.require(id);
        if (!owner.owns(job.owner())) {
            throw JobStore.notFound(id);
        }
        return job;
    }

    /**
     * Runs a sync request: its CLI runs in a session of its own with its output going to a run directory,
     * watched by this process. When it is still running after the sync deadline it continues as a job
     * (the run directory becomes the job's) and {@link Deferred} is returned; otherwise the sync tool's
     * result, and the run directory is removed. Sends progress to {@code sink} after
     * {@link JobConfig#progressDelay()}, once per interval. When {@code cancel} fires the CLI's whole tree is
     * killed: a call still waiting ends with a cancelled error, and a request deferred meanwhile ends as a
     * cancelled job.
     */
    public SyncOutcome request(ProviderId cli, CanonicalRequest request, ProgressSink sink, CancelSignal cancel) {
        return sync.request(cli, request, sink, cancel);
    }

    /** Removes finished jobs (record and output) older than the retention period; returns how many. */
    public int sweepRetention() {
        return sweeper.sweepRetention();
    }

    // ---- watching ------------------------------------------------------------------------------

    /** One pass over the jobs directory: finalize, detect orphans, start queued jobs, sweep old jobs. */
    void watch() throws IOException {
        if (store.all().stream().anyMatch(j -> !j.status().isTerminal())) {
            queue.dispatch();
        }
        sweeper.stopAbandonedRunsIfDue();
        sweeper.sweepRetentionIfDue();
    }

    private void watchQuietly() {
        try {
            watch();
            if (watchFailure != null) {
                LOG.info("Watching the jobs directory works again");
                watchFailure = null;
            }
        } catch (IOException | RuntimeException e) {
            // Logged when it starts or changes, not on every pass (twice a second).
            if (!e.toString().equals(watchFailure)) {
                watchFailure = e.toString();
                LOG.warn("Watching the jobs directory failed: {}", watchFailure);
            }
        }
    }

    private void dispatchQuietly() {
        queue.dispatchQuietly();
    }

    /**
     * Stops watching. Sync requests still inside their call are stopped (their caller is going away with
     * this process). Deferred requests run on in their own sessions: this process stops watching them and
     * records that they await adoption (no runner), so the next gateway that looks adopts them at once.
     */
    @Override
    public void close() {
        // No interrupts: they would close a file channel in the middle of a pass.
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runs.close();
    }
}
