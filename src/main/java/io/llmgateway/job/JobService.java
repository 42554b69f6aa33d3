package io.llmgateway.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.config.JobConfig;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.exec.Termination;
import io.llmgateway.files.LockTimeoutException;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable asynchronous jobs (see docs/JOBS.md). Every job lives in {@code <dataDir>/jobs/<jobId>/}; any
 * gateway process sharing the data directory can report, finalize and cancel any job. Async jobs run
 * under a detached supervisor process; sync requests run their CLI in a session of its own, with its
 * output going to files, watched by this process, and are turned into jobs ("deferred") when they outlive
 * the sync deadline. Both survive the gateway: a deferred request whose gateway is gone is adopted by the
 * next gateway that looks at it.
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    /** How long llm_job_cancel waits for the process tree to be gone and the job finalized. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(15);
    private static final Duration RETENTION_SWEEP_INTERVAL = Duration.ofHours(1);
    private static final long CANCEL_POLL_MILLIS = 50;
    /** Run directories of sync requests whose gateway died are removed no earlier than this. */
    private static final Duration UNREGISTERED_MIN_AGE = Duration.ofDays(2);
    static final String EXIT_STATUS_UNKNOWN = "exit status unknown: the gateway that started this run exited before it";

    private final JobConfig config;
    private final ProviderRuns provider;
    private final JobStore store;
    private final SupervisorLauncher launcher;
    private final DedupKey dedup;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final ProcessRef self = ProcessRef.current();
    private final Map<String, OwnedRun> owned = new ConcurrentHashMap<>();
    private final Map<String, SyncRun> syncRuns = new ConcurrentHashMap<>();
    private final ProgressFiles progressFiles;
    private final ScheduledExecutorService scheduler;
    private volatile Instant lastRetentionSweep = Instant.MIN;

    /** A deferred request this process watches (it ran or adopted it); {@code watched} completes when done. */
    private record OwnedRun(CliRun run, CompletableFuture<Void> watched) {
    }

    /** A sync request's CLI still inside its call; {@code ended} completes with how it ended. */
    private record SyncRun(CliRun run, CompletableFuture<ExitReport> ended) {
    }

    public JobService(Path dataDir, JobConfig config, ProviderRuns provider, JobLocks locks, ObjectMapper mapper,
            Clock clock) {
        this.config = config;
        this.provider = provider;
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
            own.run().requestStop(Termination.CANCELLED);
            return;
        }
        Optional<ProcessHandle> runnerProcess = job.runner() == null ? Optional.empty() : job.runner().handle();
        if (!job.deferred() && runnerProcess.isPresent()) {
            runnerProcess.get().destroy(); // SIGTERM: the supervisor kills the tree and writes exit.json
            return;
        }
        // A deferred request watched by another gateway (which then finalizes it) or by none (the next
        // look finalizes it), or a job nobody supervises.
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
     * Finalizes a running job whose exit status is on disk; when the process that should record its exit
     * status is gone, adopts a deferred request whose CLI still runs, finishes one whose CLI ended from its
     * output, and marks any other job orphaned. Jobs watched by this process are finalized when their run ends.
     */
    private JobRecord refreshRecord(JobRecord job) {
        if (job.status() != JobStatus.RUNNING || owned.containsKey(job.id())) {
            return job;
        }
        JobFiles files = store.files(job.id());
        if (Files.exists(files.exit())) {
            return io(() -> finalizeJob(job.id()));
        }
        if (job.runner() == null || !job.runner().isAlive()) {
            return io(() -> job.deferred() ? adoptOrFinish(job.id()) : orphan(job.id()));
        }
        if (job.cancelRequested() && !job.deferred()) {
            // Asked from a gateway that cannot signal the supervisor (another pid namespace): signal it from here.
            job.runner().handle().ifPresent(ProcessHandle::destroy);
        }
        return job;
    }

    /**
     * Turns a run's end into the job's final state, under the job's lock: parse the output (exit.json and
     * the output files) with the provider's parser (which records the native session id), or record why
     * it failed.
     */
    private JobRecord finalizeJob(String id) throws IOException {
        return store.update(id, current -> {
            if (current.status().isTerminal()) {
                return current;
            }
            Optional<ExitReport> exit = store.readExit(id);
            if (exit.isEmpty()) {
                return current;
            }
            if (exit.get().startError() != null) {
                return current.ended(JobStatus.FAILED, now(), null, new JobRecord.JobError(
                        ErrorCode.CLI_ERROR.wireName(), exit.get().startError(), Map.of()));
            }
            return finalState(current, OutputPages.outcome(store.files(id), exit.get()));
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
            LOG.info("Job {} is orphaned", id);
            return current.ended(JobStatus.ORPHANED, now(), null, new JobRecord.JobError(
                    ErrorCode.JOB_ORPHANED.wireName(), "The job's supervisor process ended without recording an "
                    + "exit status (it was killed); the output produced until then is kept.", Map.of()));
        });
        return result.status() == JobStatus.RUNNING ? finalizeJob(id) : result;
    }

    /**
     * A deferred request whose gateway is gone (killed, or exited and left it for adoption), under the
     * job's lock: if its CLI still runs, this process adopts it (watches its limits, takes cancel requests,
     * finalizes it); if the CLI ended without anyone recording its exit status, the job is finished from
     * its output. The lock and the runner it records make sure only one gateway adopts.
     */
    private JobRecord adoptOrFinish(String id) throws IOException {
        JobFiles files = store.files(id);
        CliRun[] adopted = new CliRun[1];
        JobRecord after = store.update(id, current -> {
            if (current.status() != JobStatus.RUNNING || Files.exists(files.exit()) || owned.containsKey(id)
                    || (current.runner() != null && current.runner().isAlive())) {
                return current;
            }
            Optional<CliProcess> recorded = CliProcess.read(files);
            if (recorded.isPresent() && !recorded.get().process().isLocal() && recorded.get().process().isAlive()) {
                return current; // runs where this process cannot see it: left to a gateway of its pid namespace
            }
            Optional<ProcessHandle> live = recorded.flatMap(c -> c.process().handle());
            Optional<RunLimits> limits = LaunchFiles.readLimits(files);
            if (live.isPresent() && limits.isPresent()) {
                LOG.info("Adopting deferred job {} (CLI pid {}): its gateway is gone", id, live.get().pid());
                adopted[0] = CliRun.adopt(files, live.get(), recorded.get().process(), recorded.get().runId(),
                        limits.get());
                return current.withRunner(self);
            }
            if (live.isPresent()) {
                CliProcess.stop(files); // without its limits nobody could watch it
            }
            return finishedWithoutStatus(current, recorded);
        });
        if (adopted[0] != null) {
            own(id, adopted[0], watchInBackground(id, adopted[0]));
            if (after.cancelRequested()) {
                adopted[0].requestStop(Termination.CANCELLED);
            }
        }
        return after;
    }

    /**
     * The final state of a deferred request whose CLI ended with nobody to collect its exit status: a
     * complete, successful reply in its output completes the job (the native session id is recorded as
     * usual); anything else leaves it orphaned with its output.
     */
    private JobRecord finishedWithoutStatus(JobRecord current, Optional<CliProcess> cli) throws IOException {
        if (current.cancelRequested()) {
            return current.ended(JobStatus.CANCELLED, now(), null, cancelledError());
        }
        Duration ran = Duration.between(current.startedAt() != null ? current.startedAt() : current.createdAt(), now());
        ProcessOutcome outcome = OutputPages.outcomeWithoutStatus(store.files(current.id()), ran,
                cli.map(c -> c.process().pid()).orElse(0L), cli.map(CliProcess::runId).orElse(""));
        try {
            Map<String, Object> result = new LinkedHashMap<>(provider.complete(current.cli(), current.context(), outcome));
            List<Object> warnings = new ArrayList<>();
            if (result.get("warnings") instanceof List<?> earlier) {
                warnings.addAll(earlier);
            }
            warnings.add(EXIT_STATUS_UNKNOWN);
            result.put("warnings", warnings);
            result.put("exitCode", null);
            LOG.info("Deferred job {} ended while no gateway watched it; completed from its output", current.id());
            return current.completed(now(), null, result);
        } catch (RuntimeException e) {
            LOG.info("Deferred job {} ended while no gateway watched it, without a complete reply; orphaned: {}",
                    current.id(), e.getMessage());
            return current.ended(JobStatus.ORPHANED, now(), null, new JobRecord.JobError(
                    ErrorCode.JOB_ORPHANED.wireName(), "The CLI of this deferred request ended while no gateway "
                    + "watched it, without a complete reply and without an exit status; the output it produced is "
                    + "kept.", Map.of()));
        }
    }

    private static JobRecord.JobError cancelledError() {
        return new JobRecord.JobError(ErrorCode.CANCELLED.wireName(),
                "The job was cancelled with llm_job_cancel; its process tree was killed.", Map.of());
    }

    // ---- sync requests and deferral ---------------------------------------------------------

    /**
     * Runs a sync request: its CLI runs in a session of its own with its output going to a run directory,
     * watched by this process. When it is still running after the sync deadline it continues as a job
     * (the run directory becomes the job's) and {@link Deferred} is returned; otherwise the sync tool's
     * result, and the run directory is removed. Sends progress to {@code sink} after
     * {@link JobConfig#progressDelay()}, once per interval.
     */
    public SyncOutcome request(ProviderId cli, Map<String, Object> arguments, ProgressSink sink) {
        Instant requested = now();
        PreparedRun prepared = provider.prepare(cli, arguments, false);
        String id = JobStore.newId();
        CliRun run;
        try {
            run = startSync(id, prepared.spec());
        } catch (RuntimeException e) {
            provider.abandon(cli, prepared.context());
            deleteQuietly(id);
            throw e;
        }
        CompletableFuture<ExitReport> ended = watchInBackground(id, run);
        syncRuns.put(id, new SyncRun(run, ended));
        JobFiles files = store.files(id);
        ScheduledFuture<?> ticker = sink == ProgressSink.NONE ? null : startTicker(sink, id, files.stdout());
        boolean deferred = false;
        try {
            ExitReport exit = config.deferralEnabled() ? awaitAtMost(ended, config.syncDeadline()) : ended.get();
            if (exit == null) {
                try {
                    JobRecord job = defer(cli, arguments, requested, prepared, id, run, ended);
                    deferred = true;
                    return new Deferred(job);
                } catch (GatewayException e) {
                    LOG.warn("Cannot defer a {} request ({}); the call waits for it instead", cli.wireName(), e.getMessage());
                    exit = ended.get();
                }
            }
            return new Completed(provider.complete(cli, prepared.context(), outcome(files, exit)));
        } catch (InterruptedException e) {
            run.requestStop(Termination.CANCELLED);
            ExitReport cancelled = ended.join();
            Thread.currentThread().interrupt();
            // Reports the cancellation as the provider layer words it, and cleans up after the run.
            return new Completed(provider.complete(cli, prepared.context(), outcome(files, cancelled)));
        } catch (ExecutionException e) {
            provider.abandon(cli, prepared.context());
            throw new GatewayException(ErrorCode.INTERNAL_ERROR, "Supervising the CLI process failed; see the gateway log.");
        } finally {
            if (ticker != null) {
                ticker.cancel(false);
            }
            syncRuns.remove(id);
            if (!deferred) {
                deleteQuietly(id);
            }
        }
    }

    /**
     * Starts a sync request's CLI in a session of its own (it must survive this process if deferred) with
     * its output going into the run directory. The prompt goes through a private file the CLI holds open,
     * deleted as soon as the CLI runs: no pipe ties the CLI to this process.
     */
    private CliRun startSync(String id, ProcessSpec spec) {
        JobFiles files;
        Path stdin = null;
        try {
            files = store.createRunDirectory(id);
            store.recordOwner(files, self);
            if (spec.stdin() != null) {
                stdin = files.stdin();
                try (FileChannel channel = PrivateFiles.open(stdin, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(spec.stdin().getBytes(StandardCharsets.UTF_8));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                }
            }
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The run directory in the data directory cannot "
                    + "be written (" + e.getMessage() + "); check its permissions and free space.");
        }
        String command = spec.command().get(0);
        try {
            CliRun run = CliRun.start(files, spec.command(), spec.workingDir(), spec.environment(), stdin,
                    RunLimits.of(spec), true);
            // From now on any gateway can stop it, should this process die before the call ends.
            CliProcess.record(files, run.cli(), run.runId());
            return run;
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CLI_ERROR,
                    "Could not start '" + command + "': " + e.getMessage(), Map.of("command", command));
        } finally {
            if (stdin != null) {
                try {
                    Files.deleteIfExists(stdin);
                } catch (IOException e) {
                    LOG.warn("Could not remove the prompt file {}: {}", stdin, e.getMessage());
                }
            }
        }
    }

    /** Watches a run on a thread of its own; completes with its end (null: no exit status, or released). */
    private CompletableFuture<ExitReport> watchInBackground(String id, CliRun run) {
        CompletableFuture<ExitReport> ended = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                ended.complete(run.watch().orElse(null));
            } catch (IOException | RuntimeException e) {
                LOG.error("Watching the CLI of run {} failed", id, e);
                ended.completeExceptionally(e);
            }
        }, "run-watch-" + run.pid());
        thread.setDaemon(true);
        thread.start();
        return ended;
    }

    private static ExitReport awaitAtMost(CompletableFuture<ExitReport> ended, Duration timeout)
            throws InterruptedException, ExecutionException {
        try {
            return ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        }
    }

    private ProcessOutcome outcome(JobFiles files, ExitReport exit) {
        return io(() -> OutputPages.outcome(files, exit));
    }

    private void deleteQuietly(String id) {
        try {
            store.delete(id);
        } catch (IOException e) {
            LOG.warn("Could not remove the run directory of {}: {}", id, e.getMessage());
        }
    }

    private ScheduledFuture<?> startTicker(ProgressSink sink, String id, Path stdout) {
        long start = System.nanoTime();
        return scheduler.scheduleAtFixedRate(() -> {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String line = progressFiles.line(id, stdout);
            sink.progress(millis / 1000.0, "running for " + millis / 1000 + " s" + (line == null ? "" : "; " + line));
        }, config.progressDelay().toMillis(), config.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Turns a running sync request into a job watched by this process: the run directory gets the job's
     * record, the CLI's pid and the run's limits (so another gateway can stop or adopt it).
     */
    private JobRecord defer(ProviderId cli, Map<String, Object> arguments, Instant requested, PreparedRun prepared,
            String id, CliRun run, CompletableFuture<ExitReport> ended) {
        String key;
        try {
            key = dedup.of(cli, arguments, provider.identify(cli, arguments));
        } catch (GatewayException e) {
            key = null; // e.g. its session was deleted meanwhile: the job just cannot be found by dedup
        }
        JobRecord record = new JobRecord(id, cli, JobStatus.RUNNING, true, requested, requested, null,
                prepared.sessionId(), prepared.correlationId(), prepared.spec().workingDir().toString(), key,
                prepared.context(), self, false, null, null, null);
        JobFiles files = store.files(id);
        try {
            LaunchFiles.writeLimits(files, RunLimits.of(prepared.spec()));
            store.register(record);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The job files cannot be written (" + e.getMessage() + ").");
        }
        own(id, run, ended);
        LOG.info("Request of {} deferred as job {} after {} ms", cli.wireName(), id, config.syncDeadline().toMillis());
        return record;
    }

    /** Makes this process the job's watcher until its run ends (or the watch is released at close). */
    private void own(String id, CliRun run, CompletableFuture<ExitReport> ended) {
        CompletableFuture<Void> watched = new CompletableFuture<>();
        owned.put(id, new OwnedRun(run, watched));
        ended.whenComplete((exit, failure) -> {
            try {
                if (!run.released()) {
                    ownedRunEnded(id, exit, failure);
                }
            } finally {
                owned.remove(id);
                watched.complete(null);
            }
        });
    }

    /** Records the end of a run this process watched: exit.json then the final record, or from the output. */
    private void ownedRunEnded(String id, ExitReport exit, Throwable failure) {
        try {
            if (failure != null) {
                store.update(id, current -> current.status().isTerminal() ? current
                        : current.ended(JobStatus.FAILED, now(), null, new JobRecord.JobError(
                                ErrorCode.INTERNAL_ERROR.wireName(), "Supervising the CLI failed; see the gateway log.", Map.of())));
            } else if (exit != null) {
                PrivateFiles.replaceAtomically(store.files(id).exit(), exit.toJson().getBytes(StandardCharsets.UTF_8));
                finalizeJob(id);
            } else {
                // An adopted CLI that exited by itself: only its parent (gone) learned its exit status.
                store.update(id, current -> current.status().isTerminal() ? current
                        : finishedWithoutStatus(current, CliProcess.read(store.files(id))));
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Recording the end of deferred job {} failed", id, e);
        }
        dispatchQuietly();
    }

    // ---- watching and retention ---------------------------------------------------------------

    /** One pass over the jobs directory: finalize, detect orphans, start queued jobs, sweep old jobs. */
    void watch() throws IOException {
        if (store.all().stream().anyMatch(j -> !j.status().isTerminal())) {
            dispatch();
        }
        stopAbandonedRuns();
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

    /**
     * Stops the CLIs of sync requests whose gateway died before the call ended (and before deferral made
     * them jobs): their caller is gone and nobody holds a job id for them, so they would only run on
     * unwatched, without their timeouts. Their run directories (which may still hold the prompt) go too.
     */
    void stopAbandonedRuns() throws IOException {
        for (String id : store.abandonedRuns()) {
            LOG.info("Stopping the CLI of run {}: the gateway that started it for a sync request is gone", id);
            CliProcess.stop(store.files(id));
            try {
                store.delete(id);
            } catch (IOException e) {
                // Another gateway may be removing it at the same moment; whatever is left goes on a later pass.
                LOG.debug("Removing run directory {}: {}", id, e.toString());
            }
        }
    }

    /** Removes finished jobs (record and output) older than the retention period; returns how many. */
    public int sweepRetention() {
        Instant cutoff = now().minus(config.retention());
        lastRetentionSweep = now();
        Instant strayCutoff = now().minus(config.retention().compareTo(UNREGISTERED_MIN_AGE) > 0
                ? config.retention() : UNREGISTERED_MIN_AGE);
        // Under the directory lock, so that gateways sweeping at the same time do not trip over each other.
        int removed = io(() -> store.withDirectoryLock(() -> {
            int count = store.deleteUnregistered(strayCutoff);
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
        List<SyncRun> calls = List.copyOf(syncRuns.values());
        calls.forEach(call -> call.run().requestStop(Termination.CANCELLED));
        calls.forEach(call -> call.ended().exceptionally(failure -> null).join());
        for (Map.Entry<String, OwnedRun> entry : Map.copyOf(owned).entrySet()) {
            String id = entry.getKey();
            entry.getValue().run().release();
            entry.getValue().watched().join();
            try {
                store.update(id, current -> current.status() == JobStatus.RUNNING && self.equals(current.runner())
                        ? current.withRunner(null) : current);
                LOG.info("Deferred job {} keeps running; the next gateway adopts it", id);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not hand deferred job {} over for adoption ({}); it is adopted once this process is gone",
                        id, e.toString());
            }
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
        } catch (LockTimeoutException e) {
            throw new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The job files are busy: " + e.getMessage() + "; "
                    + e.advice() + ".");
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The job files in the data directory cannot be "
                    + "read or written (" + e.getMessage() + "); check its permissions and free space.");
        }
    }
}
