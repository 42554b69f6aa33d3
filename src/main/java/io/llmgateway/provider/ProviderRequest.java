package io.llmgateway.provider;

import io.llmgateway.core.Principal;
import io.llmgateway.workspace.PlacementRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A provider request as the caller gave it; {@link ProviderRequestService} validates every field.
 *
 * @param model          null for the CLI's default
 * @param sessionId      a gateway id (gw-...) or a provider-native session id; null for none
 * @param workingDir     an absolute directory (in a workspace also one relative to its root); null for the
 *                       session's recorded one or the gateway's own
 * @param timeoutMs      wall-clock limit; null for the default
 * @param idleTimeoutMs  limit on a stretch without any output; null for the default
 * @param correlationId  echoed in the result and the logs; null to generate one
 * @param options        provider-specific option values by name
 * @param owner          the grant making the request: it sees and records only its own sessions
 * @param placement      the {@code workspace} and {@code worktree} arguments
 */
public record ProviderRequest(
        String prompt,
        String model,
        String sessionId,
        boolean createNewSession,
        boolean resumeLatest,
        String workingDir,
        Long timeoutMs,
        Long idleTimeoutMs,
        String correlationId,
        Map<String, Object> options,
        Principal owner,
        PlacementRequest placement) {

    public ProviderRequest {
        Objects.requireNonNull(owner, "owner");
        options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
        placement = placement == null ? PlacementRequest.NONE : placement;
    }
}
