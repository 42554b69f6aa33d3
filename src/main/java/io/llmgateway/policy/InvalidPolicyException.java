package io.llmgateway.policy;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A policy file that cannot be enforced. The message names the file, the line and column, and the
 * field path (e.g. {@code policy.json line 7, column 21: tools.x.limits[0].window must be minute,
 * hour or day}); it is meant to be printed as is, so no stack trace is captured.
 */
public final class InvalidPolicyException extends RuntimeException {
    public InvalidPolicyException(String message) {
        super(message, null, false, false);
    }

    static InvalidPolicyException unreadable(Path file, IOException cause) {
        return new InvalidPolicyException(
                file.getFileName() + ": cannot be read (" + cause.getClass().getSimpleName() + ")");
    }
}
