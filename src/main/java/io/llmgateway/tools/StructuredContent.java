package io.llmgateway.tools;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds structuredContent maps that keep the contract's field order. */
public final class StructuredContent {
    private StructuredContent() {}

    /**
     * An object of structured content, in the order given: a mutable LinkedHashMap from alternating keys and
     * values (values may be null).
     */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
