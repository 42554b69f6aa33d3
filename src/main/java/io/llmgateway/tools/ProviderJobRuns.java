package io.llmgateway.tools;

import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.job.PreparedRun;
import io.llmgateway.job.ProviderRuns;
import io.llmgateway.job.RequestIdentity;
import io.llmgateway.provider.ProviderRegistry;
import io.llmgateway.provider.ProviderRequest;
import io.llmgateway.provider.ProviderRequestService;
import java.util.Map;

/**
 * The provider side of jobs: requests built from tool arguments and results shaped exactly as the
 * {@code <cli>_request} tools build and shape them.
 */
public final class ProviderJobRuns implements ProviderRuns {
    private final ProviderRequestService requests;
    private final ProviderRegistry registry;

    public ProviderJobRuns(ProviderRequestService requests, ProviderRegistry registry) {
        this.requests = requests;
        this.registry = registry;
    }

    @Override
    public RequestIdentity identify(Principal owner, ProviderId cli, Map<String, Object> arguments) {
        ProviderRequestService.Target target = requests.target(cli, request(owner, cli, arguments));
        return new RequestIdentity(target.workingDir(), target.sessionKey());
    }

    @Override
    public PreparedRun prepare(Principal owner, ProviderId cli, Map<String, Object> arguments, boolean reserveSession) {
        ProviderRequestService.PreparedRequest prepared = requests.prepare(cli, request(owner, cli, arguments),
                reserveSession);
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

    private ProviderRequest request(Principal owner, ProviderId cli, Map<String, Object> arguments) {
        return ProviderRequestTools.request(registry.get(cli), new Arguments(arguments), owner);
    }
}
