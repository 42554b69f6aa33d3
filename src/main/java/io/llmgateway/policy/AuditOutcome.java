package io.llmgateway.policy;

/** How a tool call ended, as recorded in the audit trail. */
public enum AuditOutcome {
    /** The tool ran and returned a normal result. */
    OK("ok"),
    /** The tool ran and returned an {@code isError} result. */
    ERROR("error"),
    /** The policy refused the call ({@code policy_denied}). */
    DENIED("denied"),
    /** A limit refused the call ({@code rate_limited}). */
    RATE_LIMITED("rate_limited"),
    /** The call failed at the protocol level (a JSON-RPC error); its quota was given back. */
    PROTOCOL_ERROR("protocol_error");

    private final String wireName;

    AuditOutcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
