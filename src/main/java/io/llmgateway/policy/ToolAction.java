package io.llmgateway.policy;

/**
 * The {@code action} alias of a tool rule. Over stdio there is no one to ask, so
 * {@link #REQUIRE_APPROVAL} denies with a message saying approval is required.
 */
public enum ToolAction {
    ALLOW("allow"),
    DENY("deny"),
    REQUIRE_APPROVAL("require_approval");

    private final String wireName;

    ToolAction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
