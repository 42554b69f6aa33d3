package io.llmgateway.job;

import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import java.util.Map;

/**
 * What the job service needs from the provider layer, split at the points where a job is stored and
 * possibly handed to another gateway process: identify (no side effects), prepare (session record and
 * command), complete (parse the output, record the native session id).
 */
public interface ProviderRuns {

    /**
     * Says which working directory and session a request would use, changing nothing. The arguments are
     * the request tool's canonical ones (checked and resolved before the policy judged them).
     *
     * @throws io.llmgateway.core.GatewayException as the sync tool would for the same arguments
     */
    RequestIdentity identify(ProviderId cli, Map<String, Object> arguments);

    /**
     * Resolves the gateway session and builds the command, its executable resolved; nothing runs yet.
     *
     * @param reserveSession create the gw-* session record now when it would otherwise be created only
     *                       when the run ends, so that a job can name it before it has a result
     * @throws io.llmgateway.core.GatewayException as the sync tool would (e.g. cli_not_found, session_not_found)
     */
    PreparedRun prepare(ProviderId cli, Map<String, Object> arguments, boolean reserveSession);

    /**
     * Turns a finished run into exactly the structured result the sync tool returns, recording the
     * native session id on the gw-* record. May run in a different gateway process than
     * {@link #prepare}, with only {@link PreparedRun#context()} carried over.
     *
     * @throws io.llmgateway.core.GatewayException for a failed run, as the sync tool reports it
     */
    Map<String, Object> complete(ProviderId cli, Map<String, String> context, ProcessOutcome outcome);

    /** Cleans up after a prepared run that will never be completed (e.g. scratch files it would have read). */
    void abandon(ProviderId cli, Map<String, String> context);
}
