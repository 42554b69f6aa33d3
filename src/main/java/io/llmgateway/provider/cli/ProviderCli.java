package io.llmgateway.provider.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.ProviderOption;
import java.util.List;
import java.util.Optional;

/**
 * One coding-agent CLI: how to run it headlessly for a request, how to read its output and how to
 * recognise its own failures. Implementations are stateless; adding a provider means one new class
 * and one line in {@link ProviderRegistry}.
 */
public interface ProviderCli {

    ProviderId id();

    /** What the CLI is and what it may do when run, for the request tool's description (one or two sentences). */
    String summary();

    /** Provider-specific request options; their names must differ from the common request arguments. */
    List<ProviderOption> options();

    /** The argv (after the executable), stdin and environment changes that run {@code request}. */
    Invocation invocation(CanonicalRequest request, ScratchFiles scratch);

    /** Reads whatever the CLI printed, complete or not; never throws on unexpected output. */
    ParsedOutput parse(String stdout, String stderr);

    /**
     * Recognises failures only this CLI reports in its own way (an unknown session, an untrusted
     * directory, ...). Empty leaves the run to the checks every provider shares.
     */
    default Optional<ClassifiedFailure> classify(FinishedRun run) {
        return Optional.empty();
    }

    /**
     * The tool a JSON event of the CLI's output starts, by name (for the progress line of a running request);
     * empty for other events, and for CLIs whose output names no tools while they run.
     */
    default Optional<String> toolStarted(JsonNode event) {
        return Optional.empty();
    }

    /** The arguments that make the CLI print its version and exit, quickly and offline. */
    default List<String> versionArgs() {
        return List.of("--version");
    }

    /**
     * Whether the CLI is logged in, for {@code cli_versions} and {@code doctor}: its own status
     * command where it has one, else the credentials it reads. Never returns account names or secrets.
     */
    LoginStatus loginStatus(StatusContext context);

    /** How a person logs the CLI in, completing "run ..." (e.g. "`claude auth login`, or set ANTHROPIC_API_KEY"). */
    String loginHint();

    /**
     * Whether the output carries the native session id, so that the gateway can continue the
     * conversation later. CLIs that do not (text-only output) can still resume a native id given to them.
     */
    default boolean reportsSessionId() {
        return true;
    }

    /** Whether the CLI keeps conversations per working directory, so a resume must run where it started. */
    default boolean resumesPerDirectory() {
        return false;
    }

    /** Whether token usage on a resumed conversation is cumulative over it rather than per request. */
    default boolean reportsCumulativeUsage() {
        return false;
    }

    /**
     * Why a reply-less exit 0 is a failure for this CLI, when that is a known failure mode of it;
     * empty when an empty reply is passed on as such.
     */
    default Optional<String> emptySuccessExplanation() {
        return Optional.empty();
    }
}
