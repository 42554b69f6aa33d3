package io.llmgateway.job;

import io.llmgateway.files.PrivateFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.config.JobConfig;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.OutputListener;
import io.llmgateway.exec.OutputStreamKind;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessRunner;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.exec.RunningProcess;
import io.llmgateway.exec.Termination;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable asynchronous jobs (see docs/JOBS.md). Every job lives in {@code <dataDir>/jobs/<jobId>/}; any
 * gateway process sharing the data directory can report, finalize and cancel any job. Async jobs run
 * under a detached supervisor process and survive the gateway; sync requests run inside this process
 * and are turned into jobs ("deferred") when they outlive the sync deadline.
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    /** How long llm_job_cancel waits for the process tree to be gone and the job finalized. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(15);
    private static final Duration RETENTION_SWEEP_INTERVAL = Duration.ofHours(1);
    private static final long CANCEL_POLL_MILLIS = 50;

    private final JobConfig config;
    private final ProviderRuns provider;
    private final ProcessRunner runner;
    private final JobStore store;
    private final SupervisorLauncher launcher;
    private final DedupKey dedup;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final ProcessRef self = ProcessRef.current();
    private final Map<String, OwnedRun> owned = new ConcurrentHashMap<>();
    private final ProgressFiles progressFiles;
    private final ScheduledExecutorService scheduler;
    private volatile Instant lastRetentionSweep = Instant.MIN;

    /** A deferred request running in this process. */
    private record OwnedRun(RunningProcess running, OutputTee tee, CompletableFuture<?> recorded) {
    }

    public JobService(Path dataDir, JobConfig config, ProviderRuns provider, ProcessRunner runner, JobLocks locks,
            ObjectMapper mapper, Clock clock) {
        this.config = config;
        this.provider = provider;
        this.runner = runner;
        this.mapper = mapper;
        this.clock = clock;
        this.store = new JobStore(dataDir, locks, new JobRecordFormat(mapper));
        this.launcher = new SupervisorLauncher();
        this.dedup = new DedupKey(mapper);
        this.progressFiles = new ProgressFiles(mapper);
        // One thread watches the jobs directory, one sends progress: a slow pass must not delay progress.
        this.scheduler = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "jobs-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts watching the jobs directory: finalizes finished jobs, detects orphans, starts queued jobs. */
    public void start() {
        long millis = config.watchInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::watchQuietly, 0, millis, TimeUnit.MILLISECONDS);
    }

    // ---- results of the operations ------------------------------------------------------------

    /** @param deduplicated an identical earlier request's job was returned instead of starting a new one */
    public record Submission(JobRecord job, boolean deduplicated) {
    }

    /**
     * @param progress      a short privacy-safe progress line, null before any output
     * @param queuePosition 1 for the next job to start; null unless queued
     */
    public record JobView(JobRecord job, long stdoutBytes, long stderrBytes, String progress, Integer queuePosition) {
    }

    /**
     * A piece of one output stream.
     *
     * @param offset     byte offset the piece starts at
     * @param nextOffset byte offset to ask for next
     * @param totalBytes the stream's size now
     * @param complete   the job is finished and this piece reaches the end of the stream
     */
    public record OutputPage(String stream, long offset, long nextOffset, long totalBytes, boolean complete, String text) {
    }

    public record JobResult(JobRecord job, OutputPage output) {
    }

    public record JobPage(int total, List<JobRecord> jobs) {
    }

    public record Cancellation(JobRecord job, JobStatus previousStatus) {
    }

    /** What a sync request ended with: its result, or the job it continues as. */
    public sealed interface SyncOutcome {
    }

    public record Completed(Map<String, Object> result) implements SyncOutcome {
    }

    public record Deferred(JobRecord job) implements SyncOutcome {
    }

    // ---- async jobs ---------------------------------------------------------------------------

    /**
     * Starts (or queues) a request as a job and returns at once. An identical request within the dedup
     * window that is queued, running or completed is returned instead, unless {@code forceRefresh}.
     *
     * @throws GatewayException queue_full when the queue is full; the provider's errors for bad arguments
     */
    public Submission submit(ProviderId cli, Map<String, Object> arguments, boolean forceRefresh) {
        Map<String, Object> args = new LinkedHashMap<>(arguments);
        args.remove("forceRefresh");
        RequestIdentity identity = provider.identify(cli, args);
        String key = dedup.of(cli, args, identity);
        return io(() -> store.withDirectoryLock(() -> {
            List<JobRecord> jobs = dispatchLocked();
            if (!forceRefresh) {
                Optional<JobRecord> earlier = duplicateOf(jobs, key);
                if (earlier.isPresent()) {
                    return new Submission(earlier.get(), true);
                }
            }
            checkCapacity(jobs, cli);
            PreparedRun prepared = provider.prepare(cli, args, true);
            ProcessSpec spec = prepared.spec();
            JobRecord record = new JobRecord(JobStore.newId(), cli, JobStatus.QUEUED, false, now(), null, null,
                    prepared.sessionId(), prepared.correlationId(), spec.workingDir().toString(), key,
                    prepared.context(), null, false, null, null, null);
            store.create(record);
            try {
                LaunchFiles.write(store.files(record.id()), spec);
            } catch (IOException e) {
                LaunchFiles.delete(store.files(record.id()));
                store.write(record.ended(JobStatus.FAILED, now(), null, new JobRecord.JobError(
                        ErrorCode.STORE_UNAVAILABLE.wireName(), "The job's launch files could not be written.", Map.of())));
                throw e;
            }
            dispatchLocked();
            return new Submission(store.require(record.id()), false);
        }));
    }

    private Optional<JobRecord> duplicateOf(List<JobRecord> jobs, String key) {
        if (config.dedupWindow().isZero()) {
            return Optional.empty();
        }
        Instant since = now().minus(config.dedupWindow());
        return jobs.stream()
                .filter(j -> key.equals(j.dedupKey()) && !j.createdAt().isBefore(since))
                .filter(j -> j.status() == JobStatus.QUEUED || j.status() == JobStatus.RUNNING
                        || j.status() == JobStatus.COMPLETED)
                .findFirst(); // newest first
    }

    /** Rejects a job that could not start now when the queue is already full. */
    private void checkCapacity(List<JobRecord> jobs, ProviderId cli) {
        SlotCount slots = SlotCount.of(jobs);
        long queued = jobs.stream().filter(j -> j.status() == JobStatus.QUEUED).count();
        if (!slots.canStart(cli, config) && queued >= config.maxQueued()) {
            throw new GatewayException(ErrorCode.QUEUE_FULL, "The job queue is full: " + queued + " jobs wait and "
                    + slots.total() + " run (LLM_GATEWAY_MAX_QUEUED_JOBS=" + config.maxQueued()
                    + ", LLM_GATEWAY_MAX_JOBS=" + config.maxRunning() + "); wait for jobs to finish or cancel some.",
                    Map.of("queued", queued, "running", slots.total()));
        }
    }

    /** Running jobs in total and per provider. */
    private record SlotCount(int total, Map<ProviderId, Integer> perProvider) {
        static SlotCount of(List<JobRecord> jobs) {
            Map<ProviderId, Integer> per = new EnumMap<>(ProviderId.class);
            int total = 0;
            for (JobRecord j : jobs) {
                if (j.status() == JobStatus.RUNNING) {
                    total++;
                    per.merge(j.cli(), 1, Integer::sum);
                }
            }
            return new SlotCount(total, per);
        }

        boolean canStart(ProviderId cli, JobConfig config) {
            return total < config.maxRunning() && perProvider.getOrDefault(cli, 0) < config.maxRunningPerProvider();
        }

        SlotCount plus(ProviderId cli) {
            Map<ProviderId, Integer> per = new EnumMap<>(perProvider);
            per.merge(cli, 1, Integer::sum);
            return new SlotCount(total + 1, per);
        }
    }

    /**
     * Finalizes running jobs that ended, then starts queued jobs, oldest first, while slots are free;
     * returns the jobs as they then are.
     */
    private List<JobRecord> dispatchLocked() throws IOException {
        List<JobRecord> jobs = store.all().stream().map(this::refreshRecord).toList();
        SlotCount slots = SlotCount.of(jobs);
        List<JobRecord> queued = jobs.stream().filter(j -> j.status() == JobStatus.QUEUED)
                .sorted(Comparator.comparing(JobRecord::createdAt).thenComparing(JobRecord::id)).toList();
        boolean started = false;
        for (JobRecord job : queued) {
            if (slots.total() >= config.maxRunning()) {
                break;
            }
            if (slots.canStart(job.cli(), config) && launch(job.id())) {
                slots = slots.plus(job.cli());
                started = true;
            }
        }
        return started ? store.all() : jobs;
    }

    private void dispatch() {
        io(() -> store.withDirectoryLock(this::dispatchLocked));
    }

    /** Starts a queued job's supervisor; false when the job was no longer queued or could not start. */
    private boolean launch(String id) throws IOException {
        JobFiles files = store.files(id);
        JobRecord after = store.update(id, current -> {
            if (current.status() != JobStatus.QUEUED) {
                return current;
            }
            try {
                ProcessRef supervisor = launcher.launch(files, LaunchFiles.takeEnvironment(files));
                LOG.debug("Job {} started under supervisor pid {}", id, supervisor.pid());
                return current.started(supervisor, now());
            } catch (IOException e) {
                LOG.warn("Could not start the supervisor of job {}: {}", id, e.toString());
                LaunchFiles.delete(files);
                provider.abandon(current.cli(), current.context());
                return current.started(null, now()).ended(JobStatus.FAILED, now(), null, new JobRecord.JobError(
                        ErrorCode.CLI_ERROR.wireName(), "Could not start the job's supervisor process: "
                        + e.getMessage(), Map.of()));
            }
        });
        return after.status() == JobStatus.RUNNING;
    }

    // ---- status, result, list, cancel -------------------------------------------------------

    public JobView status(String id) {
        JobStore.checkId(id);
        JobRecord job = refresh(store.require(id));
        JobFiles files = store.files(id);
        Integer position = null;
        if (job.status() == JobStatus.QUEUED) {
            List<JobRecord> queued = io(store::all).stream().filter(j -> j.status() == JobStatus.QUEUED)
                    .sorted(Comparator.comparing(JobRecord::createdAt).thenComparing(JobRecord::id)).toList();
            for (int i = 0; i < queued.size(); i++) {
                if (queued.get(i).id().equals(id)) {
                    position = i + 1;
                }
            }
        }
        String progress = progressFiles.line(id, files.stdout());
        return new JobView(job, JobFiles.sizeOf(files.stdout()), JobFiles.sizeOf(files.stderr()), progress, position);
    }

    /**
     * A finished job's result (as the sync tool returns it) and a page of one of its output streams.
     *
     * @param stream   "stdout" or "stderr"
     * @param offset   byte offset to start at (a previous page's nextOffset)
     * @param maxChars at most this many characters of output
     */
    public JobResult result(String id, String stream, long offset, int maxChars) {
        JobStore.checkId(id);
        JobRecord job = refresh(store.require(id));
        JobFiles files = store.files(id);
        Path file = "stderr".equals(stream) ? files.stderr() : files.stdout();
        OutputPage page = io(() -> OutputPages.read(file, stream, offset, maxChars, job.status().isTerminal()));
        return new JobResult(job, page);
    }

    public JobPage list(Optional<JobStatus> status, Optional<ProviderId> cli, int limit, int offset) {
        List<JobRecord> matching = io(store::all).stream()
                .map(j -> j.status() == JobStatus.RUNNING ? refresh(j) : j)
                .filter(j -> status.isEmpty() || j.status() == status.get())
                .filter(j -> cli.isEmpty() || j.cli() == cli.get())
                .toList();
        int from = Math.min(offset, matching.size());
        return new JobPage(matching.size(), matching.subList(from, Math.min(matching.size(), from + limit)));
    }

    /**
     * Stops a job: a queued one never starts; a running one has its whole process tree killed (from any
     * gateway). Waits until the job is finalized, at most {@link #CANCEL_WAIT}. A finished job is left as it is.
     */
    public Cancellation cancel(String id) {
        JobStore.checkId(id);
        JobRecord before = refresh(store.require(id));
        if (before.status().isTerminal()) {
            return new Cancellation(before, before.status());
        }
        JobRecord marked = io(() -> store.update(id, current -> {
            if (current.status() == JobStatus.QUEUED) {
                LaunchFiles.delete(store.files(id));
                provider.abandon(current.cli(), current.context());
                return current.ended(JobStatus.CANCELLED, now(), null, cancelledError());
            }
            return current.status() == JobStatus.RUNNING && !current.cancelRequested()
                    ? current.withCancelRequested() : current;
        }));
        if (marked.status() == JobStatus.RUNNING) {
            stopProcesses(marked);
            awaitTerminal(id, marked);
        }
        return new Cancellation(store.require(id), before.status());
    }

    private void stopProcesses(JobRecord job) {
        OwnedRun own = owned.get(job.id());
        if (own != null) {
            own.running().cancel();
            return;
        }
        Optional<ProcessHandle> runnerProcess = job.runner() == null ? Optional.empty() : job.runner().handle();
        if (!job.deferred() && runnerProcess.isPresent()) {
            runnerProcess.get().destroy(); // SIGTERM: the supervisor kills the tree and writes exit.json
            return;
        }
        // A deferred request of another gateway (which then finalizes it), or a job nobody supervises.
        CliProcess.stop(store.files(job.id()));
    }

    /** Waits until the job is finalized and, for a supervised job, its supervisor has exited. */
    private void awaitTerminal(String id, JobRecord job) {
        ProcessRef supervisor = job.deferred() ? null : job.runner();
        long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (refresh(store.require(id)).status().isTerminal() && (supervisor == null || !supervisor.isAlive())) {
                return;
            }
            try {
                Thread.sleep(CANCEL_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- finalization -----------------------------------------------------------------------

    /**
     * Brings a running job's record up to date (see {@link #refreshRecord}) and, when that ended it,
     * starts queued jobs in the slot it freed.
     */
    private JobRecord refresh(JobRecord job) {
        JobRecord now = refreshRecord(job);
        if (now.status().isTerminal() && !job.status().isTerminal()) {
            dispatchQuietly();
        }
        return now;
    }

    /**
     * Finalizes a running job whose exit status is on disk; marks it orphaned when the process that
     * should record its exit status is gone. Jobs run by this process are finalized when their run ends.
     */
    private JobRecord refreshRecord(JobRecord job) {
        if (job.status() != JobStatus.RUNNING || owned.containsKey(job.id())) {
            return job;
        }
        JobFiles files = store.files(job.id());
        if (Files.exists(files.exit())) {
            return io(() -> finalizeJob(job.id(), null));
        }
        if (job.runner() == null || !job.runner().isAlive()) {
            return io(() -> orphan(job.id()));
        }
        if (job.cancelRequested() && !job.deferred()) {
            // Asked from a gateway that cannot signal the supervisor (another pid namespace): signal it from here.
            job.runner().handle().ifPresent(ProcessHandle::destroy);
        }
        return job;
    }

    /**
     * Turns a run's end into the job's final state, under the job's lock: parse the output with the
     * provider's parser (which records the native session id), or record why it failed.
     *
     * @param outcome the outcome in memory (a deferred request run by this process), or null to read
     *                exit.json and the output files
     */
    private JobRecord finalizeJob(String id, ProcessOutcome outcome) throws IOException {
        return store.update(id, current -> {
            if (current.status().isTerminal()) {
                return current;
            }
            ProcessOutcome ended = outcome;
            if (ended == null) {
                Optional<ExitReport> exit = store.readExit(id);
                if (exit.isEmpty()) {
                    return current;
                }
                if (exit.get().startError() != null) {
                    return current.ended(JobStatus.FAILED, now(), null, new JobRecord.JobError(
                            ErrorCode.CLI_ERROR.wireName(), exit.get().startError(), Map.of()));
                }
                ended = OutputPages.outcome(store.files(id), exit.get());
            }
            return finalState(current, ended);
        });
    }

    private JobRecord finalState(JobRecord current, ProcessOutcome outcome) {
        Integer exitCode = outcome.reportedExitCode();
        if (current.cancelRequested() || outcome.termination() == Termination.CANCELLED) {
            return current.ended(JobStatus.CANCELLED, now(), exitCode, cancelledError());
        }
        try {
            Map<String, Object> result = provider.complete(current.cli(), current.context(), outcome);
            return current.completed(now(), exitCode, result);
        } catch (GatewayException e) {
            return current.ended(JobStatus.FAILED, now(), exitCode,
                    new JobRecord.JobError(e.code().wireName(), e.getMessage(), e.details()));
        } catch (RuntimeException e) {
            LOG.error("Finalizing job {} failed unexpectedly", current.id(), e);
            return current.ended(JobStatus.FAILED, now(), exitCode, new JobRecord.JobError(
                    ErrorCode.INTERNAL_ERROR.wireName(), "Parsing the job's output failed; see the gateway log.", Map.of()));
        }
    }

    /** Marks a running job orphaned if, under its lock, its exit status is still missing and its runner gone. */
    private JobRecord orphan(String id) throws IOException {
        JobRecord result = store.update(id, current -> {
            if (current.status() != JobStatus.RUNNING || Files.exists(store.files(id).exit())
                    || (current.runner() != null && current.runner().isAlive())) {
                return current;
            }
            CliProcess.stop(store.files(id)); // an unsupervised CLI left running would never be reported
            LaunchFiles.delete(store.files(id));
            provider.abandon(current.cli(), current.context());
            if (current.cancelRequested()) {
                // Cancelled before its supervisor could handle the signal (it was still starting).
                return current.ended(JobStatus.CANCELLED, now(), null, cancelledError());
            }
            String message = current.deferred()
                    ? "The gateway that ran this deferred request exited before the CLI finished; the output "
                            + "produced until then is kept. Use " + current.cli().wireName()
                            + "_request_async for runs that must outlive the gateway."
                    : "The job's supervisor process ended without recording an exit status (it was killed); "
                            + "the output produced until then is kept.";
            LOG.info("Job {} is orphaned", id);
            return current.ended(JobStatus.ORPHANED, now(), null,
                    new JobRecord.JobError(ErrorCode.JOB_ORPHANED.wireName(), message, Map.of()));
        });
        return result.status() == JobStatus.RUNNING ? finalizeJob(id, null) : result;
    }

    private static JobRecord.JobError cancelledError() {
        return new JobRecord.JobError(ErrorCode.CANCELLED.wireName(),
                "The job was cancelled with llm_job_cancel; its process tree was killed.", Map.of());
    }

    // ---- sync requests and deferral ---------------------------------------------------------

    /**
     * Runs a sync request in this process. When it is still running after the sync deadline it continues
     * as a job owned by this process and {@link Deferred} is returned; otherwise the sync tool's result.
     * Sends progress to {@code sink} after {@link JobConfig#progressDelay()}, once per interval.
     */
    public SyncOutcome request(ProviderId cli, Map<String, Object> arguments, ProgressSink sink) {
        Instant requested = now();
        PreparedRun prepared = provider.prepare(cli, arguments, false);
        ProcessSpec spec = prepared.spec();
        OutputTee tee = new OutputTee(spec.maxOutputBytes());
        // Parsing every line costs; only a client that asked for progress pays for it.
        ProgressTracker progress = sink == ProgressSink.NONE ? null : new ProgressTracker(mapper);
        OutputListener own = progress == null ? tee : (stream, line) -> {
            tee.onLine(stream, line);
            if (stream == OutputStreamKind.STDOUT) {
                progress.onStdoutLine(line);
            }
        };
        OutputListener previous = spec.listener();
        OutputListener listener = previous == null ? own : (stream, line) -> {
            previous.onLine(stream, line);
            own.onLine(stream, line);
        };
        RunningProcess running;
        try {
            running = runner.start(withListener(spec, listener));
        } catch (RuntimeException e) {
            provider.abandon(cli, prepared.context());
            throw e;
        }
        ScheduledFuture<?> ticker = progress == null ? null : startTicker(sink, progress);
        try {
            Optional<ProcessOutcome> outcome = config.deferralEnabled()
                    ? running.await(config.syncDeadline()) : Optional.of(running.await());
            if (outcome.isEmpty()) {
                try {
                    return new Deferred(defer(cli, arguments, requested, prepared, running, tee));
                } catch (GatewayException e) {
                    LOG.warn("Cannot defer a {} request ({}); the call waits for it instead", cli.wireName(), e.getMessage());
                    outcome = Optional.of(running.await());
                }
            }
            return new Completed(provider.complete(cli, prepared.context(), outcome.get()));
        } catch (InterruptedException e) {
            running.cancel();
            ProcessOutcome cancelled = running.completion().toCompletableFuture().join();
            Thread.currentThread().interrupt();
            // Reports the cancellation as the provider layer words it, and cleans up after the run.
            return new Completed(provider.complete(cli, prepared.context(), cancelled));
        } finally {
            if (ticker != null) {
                ticker.cancel(false);
            }
        }
    }

    private ScheduledFuture<?> startTicker(ProgressSink sink, ProgressTracker progress) {
        long start = System.nanoTime();
        return scheduler.scheduleAtFixedRate(() -> {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String line = progress.line();
            sink.progress(millis / 1000.0, "running for " + millis / 1000 + " s" + (line == null ? "" : "; " + line));
        }, config.progressDelay().toMillis(), config.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ProcessSpec withListener(ProcessSpec s, OutputListener listener) {
        return new ProcessSpec(s.command(), s.workingDir(), s.environment(), s.stdin(), s.wallTimeout(),
                s.idleTimeout(), s.maxOutputBytes(), s.killGrace(), listener);
    }

    /** Turns a running sync request into a job owned by this process; it is finalized when the run ends. */
    private JobRecord defer(ProviderId cli, Map<String, Object> arguments, Instant requested, PreparedRun prepared,
            RunningProcess running, OutputTee tee) {
        String key;
        try {
            key = dedup.of(cli, arguments, provider.identify(cli, arguments));
        } catch (GatewayException e) {
            key = null; // e.g. its session was deleted meanwhile: the job just cannot be found by dedup
        }
        JobRecord record = new JobRecord(JobStore.newId(), cli, JobStatus.RUNNING, true, requested, requested, null,
                prepared.sessionId(), prepared.correlationId(), prepared.spec().workingDir().toString(), key,
                prepared.context(), self, false, null, null, null);
        String id = record.id();
        try {
            store.create(record);
            tee.attach(store.files(id));
            Optional<ProcessHandle> process = ProcessHandle.of(running.pid());
            if (process.isPresent()) {
                CliProcess.record(store.files(id), process.get(), running.runId());
            }
        } catch (IOException e) {
            tee.close();
            try {
                store.delete(id);
            } catch (IOException cleanup) {
                LOG.warn("Could not remove the half-created job {}: {}", id, cleanup.getMessage());
            }
            throw new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The job files cannot be written (" + e.getMessage() + ").");
        }
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        owned.put(id, new OwnedRun(running, tee, recorded));
        LOG.info("Request of {} deferred as job {} after {} ms", cli.wireName(), id, config.syncDeadline().toMillis());
        running.completion().whenComplete((outcome, failure) -> {
            try {
                ownedRunEnded(id, outcome, failure);
            } finally {
                recorded.complete(null);
            }
        });
        return record;
    }

    private void ownedRunEnded(String id, ProcessOutcome outcome, Throwable failure) {
        OwnedRun own = owned.get(id);
        try {
            if (own != null) {
                own.tee().close();
            }
            if (outcome != null) {
                ExitReport exit = new ExitReport(outcome.exitCode(), outcome.termination().name(),
                        outcome.duration().toMillis(), outcome.stdoutTruncated(), outcome.stderrTruncated(), null,
                        outcome.pid(), outcome.runId());
                PrivateFiles.replaceAtomically(store.files(id).exit(), exit.toJson().getBytes(StandardCharsets.UTF_8));
                finalizeJob(id, outcome);
            } else {
                LOG.error("Supervising deferred job {} failed", id, failure);
                store.update(id, current -> current.status().isTerminal() ? current
                        : current.ended(JobStatus.FAILED, now(), null, new JobRecord.JobError(
                                ErrorCode.INTERNAL_ERROR.wireName(), "Supervising the CLI failed; see the gateway log.", Map.of())));
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Recording the end of deferred job {} failed", id, e);
        } finally {
            owned.remove(id);
        }
        dispatchQuietly();
    }

    // ---- watching and retention ---------------------------------------------------------------

    /** One pass over the jobs directory: finalize, detect orphans, start queued jobs, sweep old jobs. */
    void watch() throws IOException {
        if (store.all().stream().anyMatch(j -> !j.status().isTerminal())) {
            dispatch();
        }
        if (Duration.between(lastRetentionSweep, now()).compareTo(RETENTION_SWEEP_INTERVAL) >= 0) {
            sweepRetention();
        }
    }

    private void watchQuietly() {
        try {
            watch();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Watching the jobs directory failed: {}", e.toString());
        }
    }

    private void dispatchQuietly() {
        try {
            dispatch();
        } catch (RuntimeException e) {
            LOG.warn("Starting queued jobs failed: {}", e.toString());
        }
    }

    /** Removes finished jobs (record and output) older than the retention period; returns how many. */
    public int sweepRetention() {
        Instant cutoff = now().minus(config.retention());
        lastRetentionSweep = now();
        // Under the directory lock, so that gateways sweeping at the same time do not trip over each other.
        int removed = io(() -> store.withDirectoryLock(() -> {
            int count = 0;
            for (JobRecord job : store.all()) {
                Instant finished = job.finishedAt() != null ? job.finishedAt() : job.createdAt();
                if (job.status().isTerminal() && finished.isBefore(cutoff)) {
                    store.delete(job.id());
                    count++;
                }
            }
            return count;
        }));
        if (removed > 0) {
            LOG.info("Removed {} jobs finished more than {} days ago", removed, config.retention().toDays());
        }
        return removed;
    }

    /**
     * Stops watching. Deferred requests still running in this process cannot outlive it (their output
     * comes through this process): their CLIs are stopped and the jobs marked cancelled, saying why.
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
        for (Map.Entry<String, OwnedRun> entry : Map.copyOf(owned).entrySet()) {
            String id = entry.getKey();
            io(() -> store.update(id, current -> current.status().isTerminal() ? current
                    : current.ended(JobStatus.CANCELLED, now(), null, new JobRecord.JobError(
                            ErrorCode.CANCELLED.wireName(), "The gateway running this deferred request exited, "
                            + "so its CLI was stopped; use " + current.cli().wireName()
                            + "_request_async for runs that must outlive the gateway.", Map.of()))));
            entry.getValue().running().cancel();
            entry.getValue().recorded().join();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    private <T> T io(IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The job files in the data directory cannot be "
                    + "read or written (" + e.getMessage() + "); check its permissions and free space.");
        }
    }
}
