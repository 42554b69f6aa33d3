package io.llmgateway.exec;

import java.time.Duration;

/**
 * The limits a CLI run is watched under, kept with the run's files so that whichever process watches it
 * (its supervisor, the gateway that started it, or a gateway adopting it) enforces the same ones.
 *
 * @param killGrace between SIGTERM and SIGKILL when the tree is stopped
 */
public record RunLimits(Duration wallTimeout, Duration idleTimeout, long maxOutputBytes, Duration killGrace) {

    public static RunLimits of(ProcessSpec spec) {
        return new RunLimits(spec.wallTimeout(), spec.idleTimeout(), spec.maxOutputBytes(), spec.killGrace());
    }
}
