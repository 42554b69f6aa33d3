package io.llmgateway.tools;

import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.job.PreparedRun;
import io.llmgateway.job.ProviderRuns;
import io.llmgateway.job.RequestIdentity;
import io.llmgateway.provider.CanonicalRequest;
import io.llmgateway.provider.cli.ProviderRegistry;
import io.llmgateway.provider.ProviderRequestService;
import java.util.Map;

/**
 * The provider side of jobs: requests taken from the canonical arguments the {@code <cli>_request} tools'
 * normaliser built (so nothing is resolved again), and results shaped exactly as those tools shape them.
 */
public final class ProviderJobRuns implements ProviderRuns {
    private final ProviderRequestService requests;
    private final ProviderRegistry registry;

    public ProviderJobRuns(ProviderRequestService requests, ProviderRegistry registry) {
        this.requests = requests;
        this.registry = registry;
    }

    @Override
    public RequestIdentity identify(ProviderId cli, Map<String, Object> arguments) {
        ProviderRequestService.Target target = requests.target(request(cli, arguments));
        return new RequestIdentity(target.workingDir(), target.sessionKey());
    }

    @Override
    public PreparedRun prepare(ProviderId cli, Map<String, Object> arguments, boolean reserveSession) {
        ProviderRequestService.PreparedRequest prepared = requests.prepare(cli, request(cli, arguments), reserveSession);
        return new PreparedRun(prepared.spec(), prepared.sessionId(), prepared.correlationId(), prepared.context());
    }

    @Override
    public Map<String, Object> complete(ProviderId cli, Map<String, String> context, ProcessOutcome outcome) {
        return ProviderRequestTools.structured(requests.complete(cli, context, outcome));
    }

    @Override
    public void abandon(ProviderId cli, Map<String, String> context) {
        requests.abandon(context);
    }

    private CanonicalRequest request(ProviderId cli, Map<String, Object> arguments) {
        return ProviderRequestTools.canonicalRequest(registry.get(cli), new Arguments(arguments));
    }
}
