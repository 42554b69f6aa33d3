package io.llmgateway.job;

import static io.llmgateway.job.JobStore.orStoreUnavailable;

import io.llmgateway.config.JobConfig;
import io.llmgateway.core.CancelSignal;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.exec.Termination;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.job.supervisor.ExitReport;
import io.llmgateway.job.supervisor.FileBackedRun;
import io.llmgateway.job.supervisor.JobFiles;
import io.llmgateway.job.supervisor.LaunchFiles;
import io.llmgateway.job.supervisor.RecordedCli;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.PreparedRun;
import io.llmgateway.provider.api.ProviderRuns;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sync requests: the CLI runs in a session of its own with its output going to a run directory, watched
 * by this process, with progress sent while the caller waits; a request still running at the sync
 * deadline is deferred, continuing as a job.
 */
final class SyncRequests {
    private static final Logger LOG = LoggerFactory.getLogger(SyncRequests.class);

    private final JobConfig config;
    private final ProviderRuns provider;
    private final JobStore store;
    private final WatchedRuns runs;
    private final JobFinalizer finalizer;
    private final DedupKey dedup;
    private final ProgressFiles progressFiles;
    /** Sends progress (shared with the jobs watch; it has a thread for each). */
    private final ScheduledExecutorService scheduler;

    private final ProcessRef self;
    private final JobClock clock;

    SyncRequests(
            JobConfig config,
            ProviderRuns provider,
            JobStore store,
            WatchedRuns runs,
            JobFinalizer finalizer,
            DedupKey dedup,
            ProgressFiles progressFiles,
            ScheduledExecutorService scheduler,
            ProcessRef self,
            JobClock clock) {
        this.config = config;
        this.provider = provider;
        this.store = store;
        this.runs = runs;
        this.finalizer = finalizer;
        this.dedup = dedup;
        this.progressFiles = progressFiles;
        this.scheduler = scheduler;
        this.self = self;
        this.clock = clock;
    }

    /** See {@link JobService#request}. */
    JobService.SyncOutcome request(ProviderId cli, CanonicalRequest request, ProgressSink sink, CancelSignal cancel) {
        if (cancel.isCancelled()) {
            throw new GatewayException(ErrorCode.CANCELLED, "The request was cancelled before its CLI started.");
        }
        Instant requested = clock.now();
        PreparedRun prepared = provider.prepare(cli, request, false);
        String id = JobStore.newId();
        FileBackedRun run;
        try {
            run = startSync(id, prepared.spec());
        } catch (RuntimeException e) {
            provider.abandon(prepared.context());
            deleteQuietly(id);
            throw e;
        }
        CompletableFuture<ExitReport> ended = WatchedRuns.watchInBackground(id, run);
        runs.callStarted(id, run, ended);
        // Fires at most until the call is answered; a cancel that races a deferral ends the job cancelled.
        cancel.onCancel(() -> run.requestStop(Termination.CANCELLED));
        JobFiles files = store.files(id);
        ScheduledFuture<?> ticker = sink == ProgressSink.NONE ? null : startTicker(sink, id, cli, files.stdout());
        boolean deferred = false;
        try {
            ExitReport exit = config.deferralEnabled() ? awaitAtMost(ended, config.syncDeadline()) : ended.get();
            if (exit == null) {
                try {
                    JobRecord job = defer(cli, request, requested, prepared, id, run, ended);
                    deferred = true;
                    return new JobService.Deferred(job);
                } catch (GatewayException e) {
                    LOG.warn(
                            "Cannot defer a {} request ({}); the call waits for it instead",
                            cli.wireName(),
                            e.getMessage());
                    exit = ended.get();
                }
            }
            return new JobService.Completed(provider.complete(cli, prepared.context(), outcome(files, exit)));
        } catch (InterruptedException e) {
            run.requestStop(Termination.CANCELLED);
            ExitReport cancelled = ended.join();
            Thread.currentThread().interrupt();
            // Reports the cancellation as the provider layer words it, and cleans up after the run.
            return new JobService.Completed(provider.complete(cli, prepared.context(), outcome(files, cancelled)));
        } catch (ExecutionException e) {
            provider.abandon(prepared.context());
            throw new GatewayException(
                    ErrorCode.INTERNAL_ERROR, "Supervising the CLI process failed; see the gateway log.");
        } finally {
            if (ticker != null) {
                ticker.cancel(false);
            }
            runs.callEnded(id);
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
    private FileBackedRun startSync(String id, ProcessSpec spec) {
        JobFiles files;
        Path stdin = null;
        try {
            files = store.createRunDirectory(id);
            store.recordOwner(files, self);
            if (spec.stdin() != null) {
                stdin = files.stdin();
                try (FileChannel channel =
                        PrivateFiles.open(stdin, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(spec.stdin().getBytes(StandardCharsets.UTF_8));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                }
            }
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "The run directory in the data directory cannot " + "be written (" + e.getMessage()
                            + "); check its permissions and free space.");
        }
        String command = spec.command().get(0);
        try {
            FileBackedRun run = FileBackedRun.start(
                    files, spec.command(), spec.workingDir(), spec.environment(), stdin, RunLimits.of(spec), true);
            // From now on any gateway can stop it, should this process die before the call ends.
            RecordedCli.record(files, run.cli(), run.runId());
            return run;
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.CLI_ERROR,
                    "Could not start '" + command + "': " + e.getMessage(),
                    Map.of("command", command));
        } finally {
            if (stdin != null) {
                try {
                    PrivateFiles.deleteIfExists(stdin);
                } catch (IOException e) {
                    LOG.warn("Could not remove the prompt file {}: {}", stdin, e.getMessage());
                }
            }
        }
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
        return orStoreUnavailable(() -> OutputPages.outcome(files, exit));
    }

    private void deleteQuietly(String id) {
        try {
            store.delete(id);
        } catch (IOException e) {
            LOG.warn("Could not remove the run directory of {}: {}", id, e.getMessage());
        }
    }

    private ScheduledFuture<?> startTicker(ProgressSink sink, String id, ProviderId cli, Path stdout) {
        long start = System.nanoTime();
        return scheduler.scheduleAtFixedRate(
                () -> {
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    String line = progressFiles.line(id, cli, stdout);
                    sink.progress(
                            millis / 1000.0, "running for " + millis / 1000 + " s" + (line == null ? "" : "; " + line));
                },
                config.progressDelay().toMillis(),
                config.progressInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Turns a running sync request into a job watched by this process: the run directory gets the job's
     * record, the CLI's pid and the run's limits (so another gateway can stop or adopt it).
     */
    private JobRecord defer(
            ProviderId cli,
            CanonicalRequest request,
            Instant requested,
            PreparedRun prepared,
            String id,
            FileBackedRun run,
            CompletableFuture<ExitReport> ended) {
        String key = dedup.of(cli, request);
        Principal owner = request.owner();
        JobRecord record = new JobRecord(
                id,
                cli,
                JobStatus.RUNNING,
                true,
                requested,
                requested,
                null,
                prepared.sessionId(),
                prepared.correlationId(),
                prepared.spec().workingDir().toString(),
                key,
                prepared.context(),
                self,
                false,
                null,
                null,
                null,
                owner.storedOwner());
        JobFiles files = store.files(id);
        try {
            LaunchFiles.writeLimits(files, RunLimits.of(prepared.spec()));
            store.register(record);
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE, "The job files cannot be written (" + e.getMessage() + ").");
        }
        finalizer.own(id, run, ended);
        LOG.info(
                "Request of {} deferred as job {} after {} ms",
                cli.wireName(),
                id,
                config.syncDeadline().toMillis());
        return record;
    }
}
