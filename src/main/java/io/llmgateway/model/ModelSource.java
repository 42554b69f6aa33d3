package io.llmgateway.model;

import java.util.Locale;

/** Where a model, alias or default came from. */
public enum ModelSource {
    /** The table shipped in the jar. */
    BUNDLED,
    /** The CLI's own configuration file in the user's home. */
    USER_CONFIG,
    /** A variable the CLI reads (e.g. ANTHROPIC_MODEL). */
    ENVIRONMENT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
