package io.llmgateway.policy;

import io.llmgateway.files.RefusedFileException;
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
        if (cause instanceof RefusedFileException refused) {
            return new InvalidPolicyException(file.getFileName() + " " + refused.getMessage()
                    + "; a policy must be a regular file of at most " + (PolicyParser.MAX_FILE_BYTES >> 20) + " MiB");
        }
        return new InvalidPolicyException(
                file.getFileName() + ": cannot be read (" + cause.getClass().getSimpleName() + ")");
    }
}
