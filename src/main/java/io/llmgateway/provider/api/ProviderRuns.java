package io.llmgateway.provider.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import java.util.Optional;

/**
 * What the job layer needs from the provider layer, split at the points where a job is stored and possibly
 * handed to another gateway process: prepare (session record and command), complete (parse the output, record
 * the native session id), and reading the CLI's events for progress while it runs.
 */
public interface ProviderRuns {

    /**
     * Resolves the gateway session and builds the command of a canonical request, its executable resolved;
     * nothing runs yet.
     *
     * @param reserveSession create the gw-* session record now when it would otherwise be created only
     *                       when the run ends, so that a job can name it before it has a result
     * @throws io.llmgateway.core.GatewayException as the sync tool would (e.g. cli_not_found, session_not_found)
     */
    PreparedRun prepare(ProviderId cli, CanonicalRequest request, boolean reserveSession);

    /**
     * Turns a finished run into the result, recording the native session id on the gw-* record. May run in
     * a different gateway process than {@link #prepare}, with only {@link PreparedRun#context()} carried over.
     *
     * @throws io.llmgateway.core.GatewayException for a failed run, as the sync tool reports it
     */
    ProviderResult complete(ProviderId cli, RunContext context, ProcessOutcome outcome);

    /** Cleans up after a prepared run that will never be completed (e.g. scratch files it would have read). */
    void abandon(RunContext context);

    /** The tool a JSON event of {@code cli}'s output starts, by name; empty for any other event. */
    Optional<String> toolStarted(ProviderId cli, JsonNode event);
}
