package io.llmgateway.job;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Where a job is in its life. Terminal states never change again. */
public enum JobStatus {
    /** Waiting for a free slot (see {@link io.llmgateway.config.JobConfig#maxRunning()}). */
    QUEUED,
    /** Its CLI process is running (or has exited and waits to be finalized). */
    RUNNING,
    /** The CLI exited and its output was parsed into a result. */
    COMPLETED,
    /** The CLI failed, timed out, produced too much output or could not be started. */
    FAILED,
    /** Stopped before it finished: by llm_job_cancel, or because the gateway running a deferred request exited. */
    CANCELED,
    /** Its process disappeared without an exit status (e.g. killed while no gateway ran); output is kept. */
    ORPHANED;

    /** The original's spelling is {@code canceled}; 0.1.0 of this gateway wrote this one. */
    private static final String LEGACY_CANCELLED = "cancelled";

    private static final List<String> WIRE_NAMES =
            Arrays.stream(values()).map(JobStatus::wireName).toList();

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }

    /** Also reads {@code cancelled}, the spelling job.json files of 0.1.0 hold. */
    public static Optional<JobStatus> fromWireName(String value) {
        if (LEGACY_CANCELLED.equals(value)) {
            return Optional.of(CANCELED);
        }
        return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst();
    }

    public static List<String> wireNames() {
        return WIRE_NAMES;
    }
}
