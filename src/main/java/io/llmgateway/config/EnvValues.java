package io.llmgateway.config;

import java.util.Map;

/** Parses numeric environment settings; a bad value is a start-up error naming the variable. */
public final class EnvValues {
    private EnvValues() {}

    public static long positiveLong(Map<String, String> env, String name, long defaultValue) {
        return longAtLeast(env, name, defaultValue, 1);
    }

    public static long nonNegativeLong(Map<String, String> env, String name, long defaultValue) {
        return longAtLeast(env, name, defaultValue, 0);
    }

    private static long longAtLeast(Map<String, String> env, String name, long defaultValue, long min) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", got " + raw.trim());
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + raw.trim() + "'");
        }
    }
}
