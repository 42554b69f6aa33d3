package io.llmgateway.provider.api;

import io.llmgateway.exec.ProcessSpec;
import java.util.Objects;

/**
 * A request ready to run; {@link ProviderRuns#complete} turns its outcome into the result, in this or another
 * gateway process.
 *
 * @param spec          the process to run, with the request's timeouts and output cap; its executable
 *                      already resolved to an absolute path
 * @param sessionId     the gw-* session the run is recorded under; null when it is only created at the end
 * @param correlationId the caller's correlation id, or one the gateway chose
 * @param context       what completing the run needs; stored in the job record
 */
public record PreparedRun(ProcessSpec spec, String sessionId, String correlationId, RunContext context) {
    public PreparedRun {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(context, "context");
    }
}
