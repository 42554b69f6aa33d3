package io.llmgateway.provider.cli;

import io.llmgateway.provider.api.CanonicalRequest;
import java.util.Objects;

/**
 * A finished CLI run as the failure checks see it.
 *
 * @param exitCode the CLI's exit status (the run ended by itself)
 */
public record FinishedRun(CanonicalRequest request, int exitCode, String stdout, String stderr, ParsedOutput output) {
    public FinishedRun {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(output, "output");
    }
}
