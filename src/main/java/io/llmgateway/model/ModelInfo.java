package io.llmgateway.model;

import java.util.Objects;

/**
 * A model a provider CLI accepts.
 *
 * @param origin the file or variable it was read from; null for the bundled table
 */
public record ModelInfo(String id, String description, ModelSource source, String origin) {
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
    }
}
