package io.llmgateway.tools;

import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to a call's arguments. Types were already checked against the input schema, so
 * accessors only convert; value rules (lengths, formats) are checked by callers and services.
 */
public final class Arguments {
    private final Map<String, Object> values;

    public Arguments(Map<String, Object> values) {
        this.values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean isPresent(String name) {
        return values.get(name) != null;
    }

    /** True when the argument was sent, even as an explicit null. */
    public boolean isSent(String name) {
        return values.containsKey(name);
    }

    public Optional<String> string(String name) {
        Object v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    public String requiredString(String name) {
        return string(name).orElseThrow(() -> new InvalidParamsException("missing required argument '" + name + "'"));
    }

    public boolean bool(String name, boolean defaultValue) {
        Object v = values.get(name);
        return v instanceof Boolean b ? b : defaultValue;
    }

    /** Never wraps: a value beyond a long (which the input schema's validation refuses) is invalid params. */
    public Optional<Long> integer(String name) {
        Object v = values.get(name);
        if (!(v instanceof Number n)) {
            return Optional.empty();
        }
        if (!JsonSchemaSubset.fitsLong(n)) {
            throw new InvalidParamsException("argument '" + name + "' is out of range for an integer");
        }
        return Optional.of(n.longValue());
    }

    public Optional<Double> number(String name) {
        Object v = values.get(name);
        return v instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }

    public List<String> strings(String name) {
        Object v = values.get(name);
        if (v instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String name) {
        Object v = values.get(name);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    public Optional<ProviderId> provider(String name) {
        return string(name)
                .map(value -> ProviderId.fromWireName(value)
                        .orElseThrow(() -> GatewayException.invalidArgument(
                                "'" + name + "' must be one of " + ProviderId.wireNames())));
    }

    /** A bounded integer argument; out-of-range values are a clear invalid_argument error. */
    public long integerInRange(String name, long defaultValue, long min, long max) {
        long value = integer(name).orElse(defaultValue);
        if (value < min || value > max) {
            throw GatewayException.invalidArgument(
                    "'" + name + "' must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
