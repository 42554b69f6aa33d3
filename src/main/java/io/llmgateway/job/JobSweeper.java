package io.llmgateway.job;

import static io.llmgateway.job.JobStore.io;

import io.llmgateway.config.JobConfig;
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
    /** Run directories of sync requests whose gateway died are removed no earlier than this. */
    private static final Duration UNREGISTERED_MIN_AGE = Duration.ofDays(2);

    private final JobConfig config;
    private final JobStore store;
    private final JobClock clock;
    private volatile Instant lastRetentionSweep = Instant.MIN;

    JobSweeper(JobConfig config, JobStore store, JobClock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
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
        Instant strayCutoff = clock.now().minus(config.retention().compareTo(UNREGISTERED_MIN_AGE) > 0
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
}
