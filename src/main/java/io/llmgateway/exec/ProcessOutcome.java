package io.llmgateway.exec;

import java.time.Duration;
import java.util.Objects;

/**
 * How a run ended and what it printed.
 *
 * @param exitCode        the process's own exit status; null when the gateway stopped it, or when it was adopted
 *                        and exited by itself ({@link #exitStatusUnknown()})
 * @param termination     why the run ended
 * @param stdout          captured stdout decoded as UTF-8 (malformed bytes replaced), at most the cap; empty when
 *                        the output went to files
 * @param stderr          captured stderr, likewise
 * @param stdoutTruncated stdout exceeded the cap and the rest was discarded
 * @param stderrTruncated stderr exceeded the cap and the rest was discarded
 * @param duration        from spawn until the whole process tree was gone and output collected
 * @param pid             the pid of the process the gateway spawned
 * @param runId           the run's marker id (see {@link RunningProcess#runId()})
 */
public record ProcessOutcome(
        Integer exitCode,
        Termination termination,
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        Duration duration,
        long pid,
        String runId) {

    public ProcessOutcome {
        Objects.requireNonNull(termination, "termination");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(runId, "runId");
    }

    /** The same outcome with other output text (e.g. redacted). */
    public ProcessOutcome withOutput(String newStdout, String newStderr) {
        return new ProcessOutcome(
                exitCode, termination, newStdout, newStderr, stdoutTruncated, stderrTruncated, duration, pid, runId);
    }

    /**
     * The process ended by itself, but its status is unknown: it was adopted, and only its parent (gone) learned
     * it.
     */
    public boolean exitStatusUnknown() {
        return termination == Termination.EXITED && exitCode == null;
    }

    /** The process exited by itself with status 0 and nothing was truncated. */
    public boolean succeeded() {
        return termination == Termination.EXITED && exitCode != null && exitCode == 0;
    }

    /**
     * The exit code to report: the gateway's own code (124/125/126) when it stopped the run for a limit,
     * otherwise the process's exit status (null after a cancellation).
     */
    public Integer reportedExitCode() {
        Integer gatewayCode = termination.gatewayExitCode();
        return gatewayCode != null ? gatewayCode : exitCode;
    }
}
