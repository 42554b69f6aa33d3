package io.llmgateway.core;

/** Domain error codes reported as {@code structuredContent.errorCode}; never reuse one for another meaning. */
public enum ErrorCode {
    INVALID_ARGUMENT("invalid_argument"),
    SESSION_NOT_FOUND("session_not_found"),
    PROVIDER_MISMATCH("provider_mismatch"),
    STORE_UNAVAILABLE("store_unavailable"),
    CLI_NOT_FOUND("cli_not_found"),
    CLI_ERROR("cli_error"),
    TIMEOUT("timeout"),
    IDLE_TIMEOUT("idle_timeout"),
    OUTPUT_TOO_LARGE("output_too_large"),
    AUTH_REQUIRED("auth_required"),
    /** The run was stopped because the call or job was cancelled, or the gateway running it is shutting down. */
    CANCELLED("cancelled"),
    JOB_NOT_FOUND("job_not_found"),
    QUEUE_FULL("queue_full"),
    /** A job whose process ended without anyone recording its exit status. */
    JOB_ORPHANED("job_orphaned"),
    POLICY_DENIED("policy_denied"),
    RATE_LIMITED("rate_limited"),
    /** No registered workspace by that alias, or none selected where one is needed. */
    WORKSPACE_NOT_FOUND("workspace_not_found"),
    /** A workspace administration tool called without {@code LLM_GATEWAY_WORKSPACE_ADMIN=1}. */
    WORKSPACE_ADMIN_REQUIRED("workspace_admin_required"),
    /** A git command the gateway ran for a workspace or worktree failed, timed out or was refused. */
    GIT_FAILED("git_failed"),
    INTERNAL_ERROR("internal_error");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
