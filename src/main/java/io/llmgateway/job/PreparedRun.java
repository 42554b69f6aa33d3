package io.llmgateway.job;

import io.llmgateway.exec.ProcessSpec;
import java.util.Map;
import java.util.Objects;

/**
 * A request ready to run.
 *
 * @param spec          the process to run, with the request's timeouts and output cap; its executable
 *                      already resolved to an absolute path
 * @param sessionId     the gw-* record the request runs under; null when it is only created at the end
 * @param correlationId the caller's correlation id, or one the gateway chose
 * @param context       small strings the provider layer needs in {@link ProviderRuns#complete}; stored
 *                      in the job record, so never secrets or the prompt
 */
public record PreparedRun(ProcessSpec spec, String sessionId, String correlationId, Map<String, String> context) {
    public PreparedRun {
        Objects.requireNonNull(spec, "spec");
        context = context == null ? Map.of() : Map.copyOf(context);
    }
}
