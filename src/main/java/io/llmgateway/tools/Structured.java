package io.llmgateway.tools;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds structuredContent maps that keep the contract's field order. */
public final class Structured {
    private Structured() {
    }

    /** A mutable LinkedHashMap from alternating keys and values (values may be null). */
    public static Map<String, Object> of(Object... keysAndValues) {
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
