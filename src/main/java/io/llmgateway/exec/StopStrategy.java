package io.llmgateway.exec;

import java.time.Duration;

/**
 * How the processes of a run are stopped: when a limit is hit, when a stop is asked for, and once a run ended
 * (whatever it left running). Kept apart from the watching of limits so that both are one thing each.
 */
@FunctionalInterface
public interface StopStrategy {

    /** SIGTERM, up to the grace for them to exit, then SIGKILL to every process of the run (see ProcessTree). */
    StopStrategy WHOLE_TREE = (run, grace) -> new ProcessTree(run).terminate(grace);

    /** Stops {@code run}, giving its processes {@code grace} to exit; returns at once when none is left. */
    void stop(RunProcesses run, Duration grace);
}
