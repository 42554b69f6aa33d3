package io.llmgateway.job;

import static io.llmgateway.job.JobStore.orStoreUnavailable;

import io.llmgateway.config.JobConfig;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.job.supervisor.JobFiles;
import io.llmgateway.job.supervisor.LaunchFiles;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.PreparedRun;
import io.llmgateway.provider.api.ProviderRuns;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Async jobs from submission to start: dedup, admission (the queue's capacity), and dispatch, which
 * starts queued jobs, oldest first, under detached supervisors while slots are free. All of it runs under
 * the jobs directory's lock, so gateways sharing the data directory share one queue.
 */
final class JobQueue {
    private static final Logger LOG = LoggerFactory.getLogger(JobQueue.class);
    private static final Comparator<JobRecord> OLDEST_FIRST =
            Comparator.comparing(JobRecord::createdAt).thenComparing(JobRecord::id);

    private final JobConfig config;
    private final ProviderRuns provider;
    private final JobStore store;
    private final JobFinalizer finalizer;
    private final DedupKey dedup;
    private final SupervisorLauncher launcher;
    private final JobClock clock;

    JobQueue(
            JobConfig config,
            ProviderRuns provider,
            JobStore store,
            JobFinalizer finalizer,
            DedupKey dedup,
            SupervisorLauncher launcher,
            JobClock clock) {
        this.config = config;
        this.provider = provider;
        this.store = store;
        this.finalizer = finalizer;
        this.dedup = dedup;
        this.launcher = launcher;
        this.clock = clock;
    }

    /** See {@link JobService#submit}. */
    JobService.Submission submit(ProviderId cli, CanonicalRequest request, boolean forceRefresh) {
        Principal owner = request.owner();
        String key = dedup.of(cli, request);
        return orStoreUnavailable(() -> store.withDirectoryLock(() -> {
            List<JobRecord> jobs = dispatchLocked();
            if (!forceRefresh) {
                Optional<JobRecord> earlier = duplicateOf(jobs, key, owner);
                if (earlier.isPresent()) {
                    return new JobService.Submission(earlier.get(), true);
                }
            }
            checkCapacity(jobs, cli);
            PreparedRun prepared = provider.prepare(cli, request, true);
            ProcessSpec spec = prepared.spec();
            JobRecord record = new JobRecord(
                    JobStore.newId(),
                    cli,
                    JobStatus.QUEUED,
                    false,
                    clock.now(),
                    null,
                    null,
                    prepared.sessionId(),
                    prepared.correlationId(),
                    spec.workingDir().toString(),
                    key,
                    prepared.context(),
                    null,
                    false,
                    null,
                    null,
                    null,
                    owner.storedOwner());
            store.create(record);
            try {
                LaunchFiles.write(store.files(record.id()), spec);
            } catch (IOException e) {
                LaunchFiles.delete(store.files(record.id()));
                store.write(record.ended(
                        JobStatus.FAILED,
                        clock.now(),
                        null,
                        new JobRecord.JobError(
                                ErrorCode.STORE_UNAVAILABLE.wireName(),
                                "The job's launch files could not be written.",
                                Map.of())));
                throw e;
            }
            dispatchLocked();
            return new JobService.Submission(store.require(record.id()), false);
        }));
    }

    private Optional<JobRecord> duplicateOf(List<JobRecord> jobs, String key, Principal owner) {
        if (config.dedupWindow().isZero()) {
            return Optional.empty();
        }
        Instant since = clock.now().minus(config.dedupWindow());
        return jobs.stream()
                .filter(j -> key.equals(j.dedupKey())
                        && owner.owns(j.owner())
                        && !j.createdAt().isBefore(since))
                .filter(j -> j.status() == JobStatus.QUEUED
                        || j.status() == JobStatus.RUNNING
                        || j.status() == JobStatus.COMPLETED)
                .findFirst(); // newest first
    }

    /** Rejects a job that could not start now when the queue is already full. */
    private void checkCapacity(List<JobRecord> jobs, ProviderId cli) {
        SlotCount slots = SlotCount.of(jobs);
        long queued = jobs.stream().filter(j -> j.status() == JobStatus.QUEUED).count();
        if (!slots.canStart(cli, config) && queued >= config.maxQueued()) {
            throw new GatewayException(
                    ErrorCode.QUEUE_FULL,
                    "The job queue is full: " + queued + " jobs wait and "
                            + slots.total() + " run (LLM_GATEWAY_MAX_QUEUED_JOBS=" + config.maxQueued()
                            + ", LLM_GATEWAY_MAX_JOBS=" + config.maxRunning()
                            + "); wait for jobs to finish or cancel some.",
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

    /** A queued job's place in the queue (1 starts next); null unless it is queued. */
    Integer position(String id) {
        List<JobRecord> queued = orStoreUnavailable(store::all).stream()
                .filter(j -> j.status() == JobStatus.QUEUED)
                .sorted(OLDEST_FIRST)
                .toList();
        Integer position = null;
        for (int i = 0; i < queued.size(); i++) {
            if (queued.get(i).id().equals(id)) {
                position = i + 1;
            }
        }
        return position;
    }

    /**
     * Finalizes running jobs that ended, then starts queued jobs, oldest first, while slots are free;
     * returns the jobs as they then are.
     */
    private List<JobRecord> dispatchLocked() throws IOException {
        List<JobRecord> jobs = store.all().stream().map(finalizer::refresh).toList();
        SlotCount slots = SlotCount.of(jobs);
        List<JobRecord> queued = jobs.stream()
                .filter(j -> j.status() == JobStatus.QUEUED)
                .sorted(OLDEST_FIRST)
                .toList();
        boolean started = false;
        for (JobRecord job : queued) {
            if (slots.total() >= config.maxRunning()) {
                break;
            }
            if (slots.canStart(job.cli(), config) && launchOrSkip(job.id())) {
                slots = slots.plus(job.cli());
                started = true;
            }
        }
        return started ? store.all() : jobs;
    }

    void dispatch() {
        orStoreUnavailable(() -> store.withDirectoryLock(this::dispatchLocked));
    }

    void dispatchQuietly() {
        try {
            dispatch();
        } catch (RuntimeException e) {
            LOG.warn("Starting queued jobs failed: {}", e.toString());
        }
    }

    /** Like {@link #launch}, but a job whose files cannot be used is skipped: it must not hold up the others. */
    private boolean launchOrSkip(String id) {
        try {
            return launch(id);
        } catch (IOException e) {
            store.warnOnce(id, "Cannot start queued job {}: {}", e);
            return false;
        }
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
                return current.started(supervisor, clock.now());
            } catch (IOException e) {
                LOG.warn("Could not start the supervisor of job {}: {}", id, e.toString());
                LaunchFiles.delete(files);
                provider.abandon(current.context());
                return current.started(null, clock.now())
                        .ended(
                                JobStatus.FAILED,
                                clock.now(),
                                null,
                                new JobRecord.JobError(
                                        ErrorCode.CLI_ERROR.wireName(),
                                        "Could not start the job's supervisor process: " + e.getMessage(),
                                        Map.of()));
            }
        });
        return after.status() == JobStatus.RUNNING;
    }
}
