package io.llmgateway.ops;

import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.job.JobRecord;
import io.llmgateway.job.JobService;
import io.llmgateway.job.JobStatus;
import io.llmgateway.policy.PolicyStatus;
import io.llmgateway.session.SessionStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The state of this gateway process and what it depends on, for {@code llm_process_health}. */
public final class ProcessHealth {
    /** Of each of running and queued: enough to see what is going on, bounded for an agent's context. */
    static final int MAX_JOBS = 100;

    private final String version;
    private final Path dataDir;
    private final SessionStore store;
    private final Supplier<PolicyStatus> policy;
    private final JobService jobs;

    public ProcessHealth(
            String version, Path dataDir, SessionStore store, Supplier<PolicyStatus> policy, JobService jobs) {
        this.version = version;
        this.dataDir = dataDir;
        this.store = store;
        this.policy = policy;
        this.jobs = jobs;
    }

    /**
     * @param startedAt   when this process started (null if the platform does not say)
     * @param storeStatus "ok", "degraded" (it works, but something was lost or is mis-set) or "unavailable"
     * @param sessions    session records in the store, null when it cannot be read
     * @param activeJobs  running jobs (their state checked against their processes), then queued ones,
     *                    of every gateway sharing the data directory, the caller's own; null when the job files
     *                    cannot be read
     * @param warnings    every problem found, one sentence each with what to do
     */
    public record Report(
            String version,
            long pid,
            Instant startedAt,
            Duration uptime,
            String java,
            Path dataDir,
            String storeStatus,
            Integer sessions,
            List<String> storeWarnings,
            PolicyStatus policy,
            List<JobRecord> activeJobs,
            List<String> warnings) {}

    /** The report as {@code caller} may see it: jobs of other grants are left out. */
    public Report report(Principal caller) {
        Instant startedAt = ProcessHandle.current().info().startInstant().orElse(null);
        Duration uptime = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
        List<String> storeWarnings = new ArrayList<>();
        Integer sessions = null;
        String storeStatus;
        try {
            sessions = store.read(state -> state.size());
            storeWarnings.addAll(store.warnings());
            for (Check check : new DataDirectoryCheck(dataDir, false).run()) {
                if (check.isProblem()) {
                    storeWarnings.add(check.detail() + "; fix: " + check.fix());
                }
            }
            storeStatus = storeWarnings.isEmpty() ? "ok" : "degraded";
        } catch (GatewayException e) {
            storeWarnings.add(e.getMessage());
            storeStatus = "unavailable";
        }
        PolicyStatus policyStatus = policy.get();
        List<String> warnings = new ArrayList<>(storeWarnings);
        List<JobRecord> activeJobs;
        try {
            activeJobs =
                    new ArrayList<>(jobs.list(caller, Optional.of(JobStatus.RUNNING), Optional.empty(), MAX_JOBS, 0)
                            .jobs());
            activeJobs.addAll(jobs.list(caller, Optional.of(JobStatus.QUEUED), Optional.empty(), MAX_JOBS, 0)
                    .jobs());
        } catch (GatewayException e) {
            activeJobs = null;
            warnings.add("jobs: " + e.getMessage());
        }
        if (policyStatus.rejectedEdit() != null) {
            warnings.add("policy: " + policyStatus.describe());
        }
        policyStatus.damagedCounters().forEach(damaged -> warnings.add("policy counters: " + damaged));
        return new Report(
                version,
                ProcessHandle.current().pid(),
                startedAt,
                uptime,
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                dataDir,
                storeStatus,
                sessions,
                storeWarnings,
                policyStatus,
                activeJobs,
                warnings);
    }
}
