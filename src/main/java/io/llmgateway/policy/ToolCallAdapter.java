package io.llmgateway.policy;

/**
 * How {@link PolicyGuard} speaks the tools layer's result type {@code R} (e.g. an MCP
 * CallToolResult) without knowing it.
 */
public interface ToolCallAdapter<R> {

    /** The result to return for a denied call: an {@code isError} result, never a protocol error. */
    R denied(PolicyDecision.Denied denial);

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
