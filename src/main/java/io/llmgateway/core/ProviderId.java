package io.llmgateway.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The provider CLIs the gateway drives; {@link #wireName()} is the `cli` value tools accept. */
public enum ProviderId {
    CLAUDE("claude", "claude", "Claude"),
    CODEX("codex", "codex", "Codex"),
    GEMINI("gemini", "gemini", "Gemini"),
    GROK("grok", "grok", "Grok"),
    MISTRAL("mistral", "vibe", "Mistral"),
    DEVIN("devin", "devin", "Devin"),
    CURSOR("cursor", "cursor-agent", "Cursor");

    private static final List<String> WIRE_NAMES =
            Arrays.stream(values()).map(ProviderId::wireName).toList();

    private final String wireName;
    private final String defaultCommand;
    private final String displayName;

    ProviderId(String wireName, String defaultCommand, String displayName) {
        this.wireName = wireName;
        this.defaultCommand = defaultCommand;
        this.displayName = displayName;
    }

    public String wireName() {
        return wireName;
    }

    /** Executable name looked up on PATH unless {@link #commandOverrideVariable()} is set. */
    public String defaultCommand() {
        return defaultCommand;
    }

    public String displayName() {
        return displayName;
    }

    /** e.g. {@code LLM_GATEWAY_CLAUDE_COMMAND}. */
    public String commandOverrideVariable() {
        return "LLM_GATEWAY_" + wireName.toUpperCase(Locale.ROOT) + "_COMMAND";
    }

    public static Optional<ProviderId> fromWireName(String value) {
        for (ProviderId p : values()) {
            if (p.wireName.equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static List<String> wireNames() {
        return WIRE_NAMES;
    }
}
