package io.llmgateway.job;

import static io.llmgateway.job.JobStore.orStoreUnavailable;

import io.llmgateway.config.JobConfig;
import io.llmgateway.job.supervisor.RecordedCli;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what nobody will ask for: the CLIs and run directories of sync requests whose gateway died,
 * and finished jobs past the retention period.
 */
final class JobSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(JobSweeper.class);
    private static final Duration RETENTION_SWEEP_INTERVAL = Duration.ofHours(1);
    private static final Duration ABANDONED_CHECK_INTERVAL = Duration.ofSeconds(2);
    /** Run directories without a recorded owner (a crash right at their start) are removed no earlier than this. */
    private static final Duration UNREGISTERED_MIN_AGE = Duration.ofDays(2);

    private final JobConfig config;
    private final JobStore store;
    private final JobClock clock;
    private volatile Instant lastRetentionSweep = Instant.MIN;
    private volatile long lastAbandonedCheck = System.nanoTime() - ABANDONED_CHECK_INTERVAL.toNanos();

    JobSweeper(JobConfig config, JobStore store, JobClock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Stops the CLIs of sync requests whose gateway died before the call ended (and before deferral made
     * them jobs): their caller is gone and nobody holds a job id for them, so they would only run on
     * unwatched, without their timeouts. Their run directories (which may still hold the prompt) go too.
     * Checked every few seconds rather than on every watch pass: it lists the whole jobs directory.
     */
    void stopAbandonedRunsIfDue() throws IOException {
        long now = System.nanoTime();
        if (now - lastAbandonedCheck < ABANDONED_CHECK_INTERVAL.toNanos()) {
            return;
        }
        lastAbandonedCheck = now;
        for (JobStore.UnregisteredRun run : store.unregisteredRuns()) {
            if (run.owner().filter(owner -> owner.isLocal() && !owner.isAlive()).isEmpty()) {
                continue; // its gateway still runs it, or is unknown (the retention sweep's case)
            }
            LOG.info("Stopping the CLI of run {}: the gateway that started it for a sync request is gone", run.id());
            RecordedCli.stop(store.files(run.id()));
            try {
                store.delete(run.id());
            } catch (IOException e) {
                // Another gateway may be removing it at the same moment; whatever is left goes on a later pass.
                LOG.debug("Removing run directory {}: {}", run.id(), e.toString());
            }
        }
    }

    /** Sweeps (see {@link #sweepRetention}) when the last sweep is an interval ago. */
    void sweepRetentionIfDue() {
        if (Duration.between(lastRetentionSweep, clock.now()).compareTo(RETENTION_SWEEP_INTERVAL) >= 0) {
            sweepRetention();
        }
    }

    /** Removes finished jobs (record and output) older than the retention period; returns how many. */
    int sweepRetention() {
        Instant cutoff = clock.now().minus(config.retention());
        lastRetentionSweep = clock.now();
        Instant strayCutoff = clock.now()
                .minus(
                        config.retention().compareTo(UNREGISTERED_MIN_AGE) > 0
                                ? config.retention()
                                : UNREGISTERED_MIN_AGE);
        // Under the directory lock, so that gateways sweeping at the same time do not trip over each other.
        int removed = orStoreUnavailable(() -> store.withDirectoryLock(() -> {
            int count = 0;
            for (JobStore.UnregisteredRun run : store.unregisteredRuns()) {
                // Without a recorded owner nobody can tell whether its call still runs: only once it is old.
                if (run.owner().isEmpty() && run.modified().isBefore(strayCutoff)) {
                    store.delete(run.id());
                    count++;
                }
            }
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
            LOG.info(
                    "Removed {} jobs finished more than {} days ago",
                    removed,
                    config.retention().toDays());
        }
        return removed;
    }
}
