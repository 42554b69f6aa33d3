package io.llmgateway.policy;

import io.llmgateway.core.GatewayException;

/**
 * How {@link PolicyGuard} speaks the tools layer's result type {@code R} (e.g. an MCP
 * CallToolResult) without knowing it.
 */
public interface ToolCallAdapter<R> {

    /**
     * The {@code isError} result (never a protocol error) for a call refused before it ran: a
     * policy denial ({@code policy_denied}/{@code rate_limited}, with {@code rule} and
     * {@code retryAfterSeconds} in {@link GatewayException#details()}) or {@code store_unavailable}.
     */
    R failed(GatewayException failure);

    /** Classifies a result the tool returned, for the audit trail. */
    CallOutcome outcomeOf(R result);

    /**
     * @param errorCode the result's {@code errorCode} when it is an error, else null
     */
    record CallOutcome(boolean isError, String errorCode) {
        public static final CallOutcome OK = new CallOutcome(false, null);

        public static CallOutcome error(String errorCode) {
            return new CallOutcome(true, errorCode);
        }
    }
}
