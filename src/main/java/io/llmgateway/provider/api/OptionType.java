package io.llmgateway.provider.api;

import java.util.List;
import java.util.Map;

/** The value types a provider option takes; the tools layer maps each to a JSON Schema type. */
public enum OptionType {
    STRING("string"),
    BOOLEAN("boolean"),
    INTEGER("integer"),
    NUMBER("number"),
    STRING_ARRAY("string-array"),
    /** Absolute paths of existing directories; requests carry them as real paths (links resolved). */
    DIRECTORY_ARRAY("string-array of absolute directory paths"),
    /** Absolute paths of existing files; requests carry them as real paths (links resolved). */
    FILE_ARRAY("string-array of absolute file paths"),
    STRING_MAP("string-map"),
    /** A JSON object passed through as is (e.g. a JSON Schema). */
    OBJECT("object");

    private final String wireName;

    OptionType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether {@code value}, as decoded from JSON, has this type. */
    boolean accepts(Object value) {
        return switch (this) {
            case STRING -> value instanceof String;
            case BOOLEAN -> value instanceof Boolean;
            case INTEGER ->
                value instanceof Number n
                        && n.doubleValue() == Math.rint(n.doubleValue())
                        && !Double.isInfinite(n.doubleValue());
            case NUMBER -> value instanceof Number;
            case STRING_ARRAY, DIRECTORY_ARRAY, FILE_ARRAY ->
                value instanceof List<?> list && list.stream().allMatch(String.class::isInstance);
            case STRING_MAP ->
                value instanceof Map<?, ?> map
                        && map.keySet().stream().allMatch(String.class::isInstance)
                        && map.values().stream().allMatch(String.class::isInstance);
            case OBJECT ->
                value instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance);
        };
    }
}
