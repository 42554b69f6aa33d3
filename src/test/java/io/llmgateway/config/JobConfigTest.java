package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {
    @Test
    void defaultsAreTheIssuesNumbers() {
        JobConfig config = JobConfig.fromEnvironment(Map.of());
        assertEquals(Duration.ofSeconds(45), config.syncDeadline());
        assertTrue(config.deferralEnabled());
        assertEquals(Duration.ofHours(1), config.dedupWindow());
        assertEquals(4, config.maxRunning());
        assertEquals(2, config.maxRunningPerProvider());
        assertEquals(32, config.maxQueued());
        assertEquals(Duration.ofDays(7), config.retention());
        assertEquals(config, JobConfig.DEFAULTS);
    }

    @Test
    void readsEveryVariableAndZeroDisablesDeferral() {
        JobConfig config = JobConfig.fromEnvironment(Map.of(
                "LLM_GATEWAY_SYNC_DEADLINE_MS",
                "0",
                "LLM_GATEWAY_DEDUP_WINDOW_MS",
                "5000",
                "LLM_GATEWAY_MAX_JOBS",
                "8",
                "LLM_GATEWAY_MAX_JOBS_PER_PROVIDER",
                "3",
                "LLM_GATEWAY_MAX_QUEUED_JOBS",
                "0",
                "LLM_GATEWAY_JOB_RETENTION_DAYS",
                "2"));
        assertFalse(config.deferralEnabled());
        assertEquals(Duration.ofSeconds(5), config.dedupWindow());
        assertEquals(8, config.maxRunning());
        assertEquals(3, config.maxRunningPerProvider());
        assertEquals(0, config.maxQueued());
        assertEquals(Duration.ofDays(2), config.retention());
    }

    @Test
    void badValuesNameTheVariable() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> JobConfig.fromEnvironment(Map.of("LLM_GATEWAY_MAX_JOBS", "0")));
        assertTrue(e.getMessage().contains("LLM_GATEWAY_MAX_JOBS"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> JobConfig.fromEnvironment(Map.of("LLM_GATEWAY_SYNC_DEADLINE_MS", "soon")));
    }
}
