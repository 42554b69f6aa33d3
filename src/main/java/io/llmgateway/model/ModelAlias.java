package io.llmgateway.model;

import java.util.Locale;
import java.util.Objects;

/**
 * A short name for a model.
 *
 * @param target     the model it stands for, or null when only the CLI knows
 * @param resolvedBy who turns it into a model: the CLI (the gateway passes it on) or the gateway
 * @param origin     the file or variable it was read from; null for the bundled table
 */
public record ModelAlias(String alias, String target, ResolvedBy resolvedBy, ModelSource source, String origin) {
    public enum ResolvedBy {
        CLI,
        GATEWAY;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ModelAlias {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(resolvedBy, "resolvedBy");
        Objects.requireNonNull(source, "source");
        if (resolvedBy == ResolvedBy.GATEWAY && target == null) {
            throw new IllegalArgumentException("a gateway alias needs a target: " + alias);
        }
    }
}
