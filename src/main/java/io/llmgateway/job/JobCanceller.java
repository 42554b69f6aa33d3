package io.llmgateway.job;

import static io.llmgateway.job.JobStore.orStoreUnavailable;

import io.llmgateway.exec.ProcessRef;
import io.llmgateway.job.supervisor.LaunchFiles;
import io.llmgateway.job.supervisor.RecordedCli;
import io.llmgateway.provider.api.ProviderRuns;
import java.time.Duration;
import java.util.Optional;

/**
 * Cancels jobs from any gateway: a queued job never starts; a running one has its whole process tree
 * killed by whoever can reach it, and the call waits until the job is finalized.
 */
final class JobCanceller {
    /** How long llm_job_cancel waits for the process tree to be gone and the job finalized. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(15);

    private static final long CANCEL_POLL_MILLIS = 50;

    private final JobStore store;
    private final ProviderRuns provider;
    private final WatchedRuns runs;
    private final JobFinalizer finalizer;
    private final JobClock clock;

    JobCanceller(JobStore store, ProviderRuns provider, WatchedRuns runs, JobFinalizer finalizer, JobClock clock) {
        this.store = store;
        this.provider = provider;
        this.runs = runs;
        this.finalizer = finalizer;
        this.clock = clock;
    }

    /** See {@link JobService#cancel}; waits at most {@link #CANCEL_WAIT}. */
    JobService.Cancellation cancel(String id) {
        JobStore.checkId(id);
        JobRecord before = finalizer.refreshAndDispatch(store.require(id));
        if (before.status().isTerminal()) {
            return new JobService.Cancellation(before, before.status());
        }
        JobRecord marked = orStoreUnavailable(() -> store.update(id, current -> {
            if (current.status() == JobStatus.QUEUED) {
                LaunchFiles.delete(store.files(id));
                provider.abandon(current.context());
                return current.ended(JobStatus.CANCELED, clock.now(), null, JobFinalizer.cancelledError());
            }
            return current.status() == JobStatus.RUNNING && !current.cancelRequested()
                    ? current.withCancelRequested()
                    : current;
        }));
        if (marked.status() == JobStatus.RUNNING) {
            stopProcesses(marked);
            awaitTerminal(id, marked);
        }
        return new JobService.Cancellation(store.require(id), before.status());
    }

    private void stopProcesses(JobRecord job) {
        if (runs.stopOwned(job.id())) {
            return;
        }
        Optional<ProcessHandle> runnerProcess =
                job.runner() == null ? Optional.empty() : job.runner().handle();
        if (!job.deferred() && runnerProcess.isPresent()) {
            runnerProcess.get().destroy(); // SIGTERM: the supervisor kills the tree and writes exit.json
            return;
        }
        // A deferred request watched by another gateway (which then finalizes it) or by none (the next
        // look finalizes it), or a job nobody supervises.
        RecordedCli.stop(store.files(job.id()));
    }

    /** Waits until the job is finalized and, for a supervised job, its supervisor has exited. */
    private void awaitTerminal(String id, JobRecord job) {
        ProcessRef supervisor = job.deferred() ? null : job.runner();
        long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (finalizer.refreshAndDispatch(store.require(id)).status().isTerminal()
                    && (supervisor == null || !supervisor.isAlive())) {
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
}
