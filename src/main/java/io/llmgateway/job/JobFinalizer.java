package io.llmgateway.job;

import static io.llmgateway.job.JobStore.orStoreUnavailable;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.exec.Termination;
import io.llmgateway.files.LinkedPathException;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.job.supervisor.ExitReport;
import io.llmgateway.job.supervisor.FileBackedRun;
import io.llmgateway.job.supervisor.JobFiles;
import io.llmgateway.job.supervisor.LaunchFiles;
import io.llmgateway.job.supervisor.RecordedCli;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.ProviderRuns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings job records up to date from the job files: finalizes runs whose exit status is on disk, detects
 * orphans, adopts deferred requests whose gateway is gone, finishes them from their output, and records
 * the end of the runs this process watches.
 */
final class JobFinalizer {
    private static final Logger LOG = LoggerFactory.getLogger(JobFinalizer.class);

    private final JobStore store;
    private final ProviderRuns provider;
    private final WatchedRuns runs;
    private final ProcessRef self;
    private final JobClock clock;
    /** Starts queued jobs; called when a job ends (a callback: the queue depends on this class). */
    private final Runnable slotFreed;

    JobFinalizer(
            JobStore store,
            ProviderRuns provider,
            WatchedRuns runs,
            ProcessRef self,
            JobClock clock,
            Runnable slotFreed) {
        this.store = store;
        this.provider = provider;
        this.runs = runs;
        this.self = self;
        this.clock = clock;
        this.slotFreed = slotFreed;
    }

    static final String EXIT_STATUS_UNKNOWN = "exit status unknown: the gateway that started this run exited before it";

    /**
     * Brings a running job's record up to date (see {@link #refresh}) and, when that ended it,
     * starts queued jobs in the slot it freed.
     */
    JobRecord refreshAndDispatch(JobRecord job) {
        JobRecord now = refresh(job);
        if (now.status().isTerminal() && !job.status().isTerminal()) {
            slotFreed.run();
        }
        return now;
    }

    /**
     * Finalizes a running job whose exit status is on disk; when the process that should record its exit
     * status is gone, adopts a deferred request whose CLI still runs, finishes one whose CLI ended from its
     * output, and marks any other job orphaned. Jobs watched by this process are finalized when their run ends.
     * Starts no queued job (the queue calls this while it dispatches).
     */
    JobRecord refresh(JobRecord job) {
        if (job.status() != JobStatus.RUNNING || runs.owns(job.id())) {
            return job;
        }
        JobFiles files = store.files(job.id());
        if (files.exited()) {
            return orStoreUnavailable(() -> finalizeJob(job.id()));
        }
        if (job.runner() == null || !job.runner().isAlive()) {
            return orStoreUnavailable(() -> job.deferred() ? adoptOrFinish(job.id()) : orphan(job.id()));
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
                return current.ended(
                        JobStatus.FAILED,
                        clock.now(),
                        null,
                        new JobRecord.JobError(
                                ErrorCode.CLI_ERROR.wireName(), exit.get().startError(), Map.of()));
            }
            ProcessOutcome outcome;
            try {
                outcome = OutputPages.outcome(store.files(id), exit.get());
            } catch (LinkedPathException e) {
                return current.ended(JobStatus.FAILED, clock.now(), null, refusedOutput(e));
            }
            return finalState(current, outcome);
        });
    }

    /** A link planted in place of an output file: the job's result cannot be trusted, nor read. */
    private static JobRecord.JobError refusedOutput(LinkedPathException e) {
        return new JobRecord.JobError(
                ErrorCode.STORE_UNAVAILABLE.wireName(),
                "The job's output is refused: " + e.getMessage() + ".",
                Map.of());
    }

    private JobRecord finalState(JobRecord current, ProcessOutcome outcome) {
        Integer exitCode = outcome.reportedExitCode();
        if (current.cancelRequested() || outcome.termination() == Termination.CANCELLED) {
            return current.ended(JobStatus.CANCELED, clock.now(), exitCode, cancelledError());
        }
        try {
            return current.completed(
                    clock.now(), exitCode, provider.complete(current.cli(), current.context(), outcome));
        } catch (GatewayException e) {
            return current.ended(
                    JobStatus.FAILED,
                    clock.now(),
                    exitCode,
                    new JobRecord.JobError(e.code().wireName(), e.getMessage(), e.details()));
        } catch (RuntimeException e) {
            LOG.error("Finalizing job {} failed unexpectedly", current.id(), e);
            return current.ended(
                    JobStatus.FAILED,
                    clock.now(),
                    exitCode,
                    new JobRecord.JobError(
                            ErrorCode.INTERNAL_ERROR.wireName(),
                            "Parsing the job's output failed; see the gateway log.",
                            Map.of()));
        }
    }

    /** Marks a running job orphaned if, under its lock, its exit status is still missing and its runner gone. */
    private JobRecord orphan(String id) throws IOException {
        JobRecord result = store.update(id, current -> {
            if (current.status() != JobStatus.RUNNING
                    || store.files(id).exited()
                    || (current.runner() != null && current.runner().isAlive())) {
                return current;
            }
            RecordedCli.stop(store.files(id)); // an unsupervised CLI left running would never be reported
            LaunchFiles.delete(store.files(id));
            provider.abandon(current.context());
            if (current.cancelRequested()) {
                // Cancelled before its supervisor could handle the signal (it was still starting).
                return current.ended(JobStatus.CANCELED, clock.now(), null, cancelledError());
            }
            LOG.info("Job {} is orphaned", id);
            return current.ended(
                    JobStatus.ORPHANED,
                    clock.now(),
                    null,
                    new JobRecord.JobError(
                            ErrorCode.JOB_ORPHANED.wireName(),
                            "The job's supervisor process ended without recording an "
                                    + "exit status (it was killed); the output produced until then is kept.",
                            Map.of()));
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
        FileBackedRun[] adopted = new FileBackedRun[1];
        JobRecord after = store.update(id, current -> {
            if (current.status() != JobStatus.RUNNING
                    || files.exited()
                    || runs.owns(id)
                    || (current.runner() != null && current.runner().isAlive())) {
                return current;
            }
            Optional<RecordedCli> recorded = RecordedCli.read(files);
            if (recorded.isPresent()
                    && !recorded.get().process().isLocal()
                    && recorded.get().process().isAlive()) {
                return current; // runs where this process cannot see it: left to a gateway of its pid namespace
            }
            Optional<ProcessHandle> live = recorded.flatMap(c -> c.process().handle());
            Optional<RunLimits> limits = LaunchFiles.readLimits(files);
            if (live.isPresent() && limits.isPresent()) {
                LOG.info(
                        "Adopting deferred job {} (CLI pid {}): its gateway is gone",
                        id,
                        live.get().pid());
                adopted[0] = FileBackedRun.adopt(
                        files,
                        live.get(),
                        recorded.get().process(),
                        recorded.get().runId(),
                        limits.get());
                return current.withRunner(self);
            }
            if (live.isPresent()) {
                RecordedCli.stop(files); // without its limits nobody could watch it
            }
            return finishedWithoutStatus(current, recorded);
        });
        if (adopted[0] != null) {
            own(id, adopted[0], WatchedRuns.watchInBackground(id, adopted[0]));
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
    private JobRecord finishedWithoutStatus(JobRecord current, Optional<RecordedCli> cli) throws IOException {
        if (current.cancelRequested()) {
            return current.ended(JobStatus.CANCELED, clock.now(), null, cancelledError());
        }
        Duration ran =
                Duration.between(current.startedAt() != null ? current.startedAt() : current.createdAt(), clock.now());
        ProcessOutcome outcome;
        try {
            outcome = OutputPages.outcomeWithoutStatus(
                    store.files(current.id()),
                    ran,
                    cli.map(c -> c.process().pid()).orElse(0L),
                    cli.map(RecordedCli::runId).orElse(""));
        } catch (LinkedPathException e) {
            return current.ended(JobStatus.FAILED, clock.now(), null, refusedOutput(e));
        }
        try {
            ProviderResult result = provider.complete(current.cli(), current.context(), outcome)
                    .withUnknownExitStatus(EXIT_STATUS_UNKNOWN);
            LOG.info("Deferred job {} ended while no gateway watched it; completed from its output", current.id());
            return current.completed(clock.now(), null, result);
        } catch (RuntimeException e) {
            LOG.info(
                    "Deferred job {} ended while no gateway watched it, without a complete reply; orphaned: {}",
                    current.id(),
                    e.getMessage());
            return current.ended(
                    JobStatus.ORPHANED,
                    clock.now(),
                    null,
                    new JobRecord.JobError(
                            ErrorCode.JOB_ORPHANED.wireName(),
                            "The CLI of this deferred request ended while no gateway "
                                    + "watched it, without a complete reply and without an exit status; the output it produced is "
                                    + "kept.",
                            Map.of()));
        }
    }

    /** Makes this process the job's watcher until its run ends (or the watch is released at close). */
    void own(String id, FileBackedRun run, CompletableFuture<ExitReport> ended) {
        runs.own(id, run, ended, (exit, failure) -> ownedRunEnded(id, exit, failure));
    }

    /** Records the end of a run this process watched: exit.json then the final record, or from the output. */
    private void ownedRunEnded(String id, ExitReport exit, Throwable failure) {
        try {
            if (failure != null) {
                store.update(
                        id,
                        current -> current.status().isTerminal()
                                ? current
                                : current.ended(
                                        JobStatus.FAILED,
                                        clock.now(),
                                        null,
                                        new JobRecord.JobError(
                                                ErrorCode.INTERNAL_ERROR.wireName(),
                                                "Supervising the CLI failed; see the gateway log.",
                                                Map.of())));
            } else if (exit != null) {
                PrivateFiles.replaceAtomically(
                        store.files(id).exit(), exit.toJson().getBytes(StandardCharsets.UTF_8));
                finalizeJob(id);
            } else {
                // An adopted CLI that exited by itself: only its parent (gone) learned its exit status.
                store.update(
                        id,
                        current -> current.status().isTerminal()
                                ? current
                                : finishedWithoutStatus(current, RecordedCli.read(store.files(id))));
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Recording the end of deferred job {} failed", id, e);
        }
        slotFreed.run();
    }

    static JobRecord.JobError cancelledError() {
        return new JobRecord.JobError(
                ErrorCode.CANCELLED.wireName(),
                "The job was cancelled (with llm_job_cancel, or by the client cancelling the call it continues); "
                        + "its process tree was killed.",
                Map.of());
    }
}
