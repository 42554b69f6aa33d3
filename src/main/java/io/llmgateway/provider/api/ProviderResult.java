package io.llmgateway.provider.api;

import io.llmgateway.core.ProviderId;
import java.util.ArrayList;
import java.util.List;

/**
 * A successful provider request, in the contract's shape.
 *
 * @param sessionId       the gateway session (gw-...) the conversation is recorded under
 * @param nativeSessionId the provider's own session id, null when the CLI reports none
 * @param resumed         whether the run continued an earlier conversation
 * @param model           the model that answered, or the one requested, or null
 * @param costUsd         null when the CLI does not report cost
 * @param exitCode        the CLI's exit status
 * @param truncated       whether any of the CLI's output was cut at the gateway's cap
 */
public record ProviderResult(
        ProviderId cli,
        String response,
        String sessionId,
        String nativeSessionId,
        boolean resumed,
        String model,
        Usage usage,
        Double costUsd,
        long durationMs,
        Integer exitCode,
        String correlationId,
        boolean truncated,
        List<String> warnings) {

    public ProviderResult {
        warnings = List.copyOf(warnings);
    }

    /** This result of a run whose exit status nobody collected: no exit code, and a warning saying why. */
    public ProviderResult withUnknownExitStatus(String warning) {
        List<String> more = new ArrayList<>(warnings);
        more.add(warning);
        return new ProviderResult(
                cli,
                response,
                sessionId,
                nativeSessionId,
                resumed,
                model,
                usage,
                costUsd,
                durationMs,
                null,
                correlationId,
                truncated,
                more);
    }
}
