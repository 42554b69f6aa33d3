package io.llmgateway.config;

import java.time.Duration;
import java.util.Map;

/**
 * Immutable settings of durable jobs (see docs/JOBS.md), read once from the environment at start-up.
 *
 * @param syncDeadline          a sync request still running after this long is deferred into a job
 *                              ({@code LLM_GATEWAY_SYNC_DEADLINE_MS}, default 45 s; zero disables deferral)
 * @param dedupWindow           an identical request within this long returns the earlier job
 *                              ({@code LLM_GATEWAY_DEDUP_WINDOW_MS}, default 1 h; zero disables dedup)
 * @param maxRunning            jobs running at once across the data directory ({@code LLM_GATEWAY_MAX_JOBS}, default 4)
 * @param maxRunningPerProvider jobs of one provider running at once ({@code LLM_GATEWAY_MAX_JOBS_PER_PROVIDER}, default 2)
 * @param maxQueued             jobs waiting for a slot; more are rejected ({@code LLM_GATEWAY_MAX_QUEUED_JOBS}, default 32)
 * @param retention             finished jobs and their output are removed after this long
 *                              ({@code LLM_GATEWAY_JOB_RETENTION_DAYS}, default 7)
 * @param progressDelay         a sync call sends its first MCP progress notification after this long
 *                              ({@code LLM_GATEWAY_PROGRESS_DELAY_MS}, default 5 s), then once per interval
 * @param progressInterval      time between progress notifications ({@code LLM_GATEWAY_PROGRESS_INTERVAL_MS}, default 5 s)
 * @param watchInterval         how often a gateway looks for finished, orphaned and queued jobs
 *                              ({@code LLM_GATEWAY_JOB_WATCH_MS}, default 500 ms)
 */
public record JobConfig(
        Duration syncDeadline,
        Duration dedupWindow,
        int maxRunning,
        int maxRunningPerProvider,
        int maxQueued,
        Duration retention,
        Duration progressDelay,
        Duration progressInterval,
        Duration watchInterval) {

    public static final JobConfig DEFAULTS = fromEnvironment(Map.of());

    public static JobConfig fromEnvironment(Map<String, String> env) {
        return new JobConfig(
                Duration.ofMillis(EnvValues.nonNegativeLong(env, "LLM_GATEWAY_SYNC_DEADLINE_MS", 45_000)),
                Duration.ofMillis(EnvValues.nonNegativeLong(env, "LLM_GATEWAY_DEDUP_WINDOW_MS", 3_600_000)),
                (int) Math.min(1_000, EnvValues.positiveLong(env, "LLM_GATEWAY_MAX_JOBS", 4)),
                (int) Math.min(1_000, EnvValues.positiveLong(env, "LLM_GATEWAY_MAX_JOBS_PER_PROVIDER", 2)),
                (int) Math.min(100_000, EnvValues.nonNegativeLong(env, "LLM_GATEWAY_MAX_QUEUED_JOBS", 32)),
                Duration.ofDays(EnvValues.positiveLong(env, "LLM_GATEWAY_JOB_RETENTION_DAYS", 7)),
                Duration.ofMillis(EnvValues.nonNegativeLong(env, "LLM_GATEWAY_PROGRESS_DELAY_MS", 5_000)),
                Duration.ofMillis(EnvValues.positiveLong(env, "LLM_GATEWAY_PROGRESS_INTERVAL_MS", 5_000)),
                Duration.ofMillis(EnvValues.positiveLong(env, "LLM_GATEWAY_JOB_WATCH_MS", 500)));
    }

    public boolean deferralEnabled() {
        return !syncDeadline.isZero();
    }
}
