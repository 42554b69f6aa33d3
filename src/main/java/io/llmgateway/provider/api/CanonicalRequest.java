package io.llmgateway.provider.api;

import io.llmgateway.core.Principal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A provider request after the provider layer normalised it: checked, its model resolved, its paths real,
 * its session resolved and its defaults filled in. The policy judges it, the job layer carries it, and the
 * CLI runs exactly it: building the command resolves nothing again.
 *
 * @param model            the catalog's spelling of the model the CLI is given; null for the CLI's own default
 * @param sessionId        the gw-* session the run is recorded under; null when the run gets a new one
 * @param nativeSessionId  the provider's own conversation the run resumes; null for a new one or the latest
 * @param createNewSession as requested: a new conversation on a new session
 * @param resumeLatest     continue the CLI's latest conversation in {@code workingDir}
 * @param workingDir       the real path of the directory the CLI runs in
 * @param correlationId    as requested; null when the gateway generates one as the run is prepared
 * @param options          the provider's options, every directory among them as a real path
 * @param owner            the grant making the request: it continues and records only its own sessions
 * @param placement        the workspace and worktree the request runs in ({@code workingDir} is then theirs); null
 *                         for none
 */
public record CanonicalRequest(
        String prompt,
        String model,
        String sessionId,
        String nativeSessionId,
        boolean createNewSession,
        boolean resumeLatest,
        Path workingDir,
        Duration timeout,
        Duration idleTimeout,
        String correlationId,
        ProviderOptions options,
        Principal owner,
        Placement placement) {

    public CanonicalRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(owner, "owner");
        if (resumeLatest && (nativeSessionId != null || createNewSession)) {
            throw new IllegalArgumentException("resumeLatest continues the latest conversation, no other");
        }
    }

    /** Which conversation the run continues. */
    public Continuation continuation() {
        return nativeSessionId != null
                ? Continuation.resume(nativeSessionId)
                : resumeLatest ? Continuation.latest() : Continuation.fresh();
    }

    /** The same request without its correlation id, which only labels a run and never changes what runs. */
    public CanonicalRequest withoutCorrelationId() {
        return new CanonicalRequest(
                prompt,
                model,
                sessionId,
                nativeSessionId,
                createNewSession,
                resumeLatest,
                workingDir,
                timeout,
                idleTimeout,
                null,
                options,
                owner,
                placement);
    }
}
