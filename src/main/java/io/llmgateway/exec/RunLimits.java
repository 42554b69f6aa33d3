package io.llmgateway.exec;

import java.time.Duration;

/**
 * The limits a run is watched under. A provider run keeps them with its files, so that whichever process
 * watches it (its supervisor, the gateway that started it, or a gateway adopting it) enforces the same ones.
 *
 * @param wallTimeout    the whole tree is stopped when the run takes longer
 * @param idleTimeout    the whole tree is stopped when neither stdout nor stderr produced output for this long
 * @param maxOutputBytes cap per stream; exceeding it stops the run ({@link Termination#OUTPUT_TOO_LARGE}) and
 *                       what fit is kept
 * @param killGrace      between SIGTERM and SIGKILL when the tree is stopped; also how long output pipes may
 *                       stay open after the main process exited before their holders are stopped
 */
public record RunLimits(Duration wallTimeout, Duration idleTimeout, long maxOutputBytes, Duration killGrace) {

    public RunLimits {
        requirePositive(wallTimeout, "wallTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        if (maxOutputBytes <= 0 || maxOutputBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxOutputBytes must be between 1 and 2^31-9, got " + maxOutputBytes);
        }
        if (killGrace.isNegative()) {
            throw new IllegalArgumentException("killGrace must not be negative");
        }
    }

    public static RunLimits of(ProcessSpec spec) {
        return new RunLimits(spec.wallTimeout(), spec.idleTimeout(), spec.maxOutputBytes(), spec.killGrace());
    }

    private static void requirePositive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
