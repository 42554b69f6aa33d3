package io.llmgateway.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.RunContext;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A job as stored in {@code jobs/<jobId>/job.json}. It never holds the prompt or the CLI's environment.
 *
 * @param deferred        started as a sync request that outlived the sync deadline; its CLI runs in a
 *                        session of its own, watched by the gateway that received the request (or one
 *                        that adopted it after that gateway exited)
 * @param workingDir      the resolved working directory the CLI runs in
 * @param dedupKey        SHA-256 of the request's identity (see {@link DedupKey}); null for deferred requests
 * @param context         what the provider layer needs to turn the output into a result, in any gateway
 * @param runner          the process that watches the CLI: the job's supervisor, or the gateway watching
 *                        a deferred request; null while queued, and for a deferred request whose gateway
 *                        exited cleanly until another gateway adopts it
 * @param cancelRequested llm_job_cancel asked for the job to stop (set before its process tree is killed)
 * @param exitCode        the CLI's exit status once known (the gateway's 124/125/126 when it stopped the run)
 * @param result          for a completed job: the provider's result, which the sync request tool returns
 * @param error           for a failed, cancelled or orphaned job: what went wrong
 * @param owner           the grant that submitted it ({@link io.llmgateway.core.Principal#storedOwner()}; null
 *                        is {@code local}): other grants see "not found"
 */
public record JobRecord(
        String id,
        ProviderId cli,
        JobStatus status,
        boolean deferred,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String sessionId,
        String correlationId,
        String workingDir,
        String dedupKey,
        RunContext context,
        ProcessRef runner,
        boolean cancelRequested,
        Integer exitCode,
        ProviderResult result,
        JobError error,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("grant")
        String owner) {

    public JobRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cli, "cli");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(context, "context");
        if (owner != null && (!Principal.isValidName(owner) || Principal.LOCAL_NAME.equals(owner))) {
            throw new IllegalArgumentException("grant is not a grant name");
        }
    }

    /**
     * Why a job did not complete, in the shape the sync tool reports errors.
     *
     * @param code    an ErrorCode wire name (e.g. {@code cli_error}, {@code timeout}, {@code cancelled}, {@code job_orphaned})
     * @param details extra fields of the sync tool's error result (e.g. exitCode, stderrExcerpt)
     */
    public record JobError(String code, String message, Map<String, Object> details) {
        public JobError {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    public JobRecord started(ProcessRef newRunner, Instant at) {
        return new JobRecord(
                id,
                cli,
                JobStatus.RUNNING,
                deferred,
                createdAt,
                at,
                null,
                sessionId,
                correlationId,
                workingDir,
                dedupKey,
                context,
                newRunner,
                cancelRequested,
                null,
                null,
                null,
                owner);
    }

    /**
     * The same job watched by another process: a gateway adopting a deferred request, or null while a
     * deferred request whose gateway exited awaits adoption.
     */
    public JobRecord withRunner(ProcessRef newRunner) {
        return new JobRecord(
                id,
                cli,
                status,
                deferred,
                createdAt,
                startedAt,
                finishedAt,
                sessionId,
                correlationId,
                workingDir,
                dedupKey,
                context,
                newRunner,
                cancelRequested,
                exitCode,
                result,
                error,
                owner);
    }

    public JobRecord withCancelRequested() {
        return new JobRecord(
                id,
                cli,
                status,
                deferred,
                createdAt,
                startedAt,
                finishedAt,
                sessionId,
                correlationId,
                workingDir,
                dedupKey,
                context,
                runner,
                true,
                exitCode,
                result,
                error,
                owner);
    }

    public JobRecord completed(Instant at, Integer code, ProviderResult syncResult) {
        return new JobRecord(
                id,
                cli,
                JobStatus.COMPLETED,
                deferred,
                createdAt,
                startedAt,
                at,
                sessionId,
                correlationId,
                workingDir,
                dedupKey,
                context,
                runner,
                cancelRequested,
                code,
                syncResult,
                null,
                owner);
    }

    /** A terminal state other than completed. */
    public JobRecord ended(JobStatus terminal, Instant at, Integer code, JobError why) {
        if (!terminal.isTerminal() || terminal == JobStatus.COMPLETED) {
            throw new IllegalArgumentException("not an unsuccessful terminal status: " + terminal);
        }
        return new JobRecord(
                id,
                cli,
                terminal,
                deferred,
                createdAt,
                startedAt,
                at,
                sessionId,
                correlationId,
                workingDir,
                dedupKey,
                context,
                runner,
                cancelRequested,
                code,
                null,
                why,
                owner);
    }
}
