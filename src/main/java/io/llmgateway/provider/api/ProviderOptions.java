package io.llmgateway.provider.api;

import com.fasterxml.jackson.annotation.JsonValue;
import io.llmgateway.core.GatewayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A request's provider-specific option values, checked against the options the provider declares. */
public final class ProviderOptions {
    private final Map<String, Object> values;

    private ProviderOptions(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static ProviderOptions none() {
        return new ProviderOptions(new LinkedHashMap<>());
    }

    /**
     * Checks every value: the name must be declared, the value of the declared type (and one of the
     * allowed values, if any) and free of NUL characters. Null values count as absent.
     */
    public static ProviderOptions of(List<ProviderOption> declared, Map<String, Object> values) {
        Map<String, ProviderOption> byName = new LinkedHashMap<>();
        declared.forEach(option -> byName.put(option.name(), option));
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            ProviderOption option = byName.get(entry.getKey());
            if (option == null) {
                throw GatewayException.invalidArgument("Unknown option '" + entry.getKey() + "'; this provider accepts "
                        + (byName.isEmpty() ? "no options" : String.join(", ", byName.keySet())) + ".");
            }
            Object value = entry.getValue();
            if (value == null) {
                continue;
            }
            if (!option.type().accepts(value)) {
                throw GatewayException.invalidArgument("Option '" + option.name() + "' must be of type "
                        + option.type().wireName() + ".");
            }
            if (!option.allowedValues().isEmpty() && !option.allowedValues().contains(value)) {
                throw GatewayException.invalidArgument(
                        "Option '" + option.name() + "' must be one of " + option.allowedValues() + ".");
            }
            if (containsNul(value)) {
                throw GatewayException.invalidArgument(
                        "Option '" + option.name() + "' must not contain NUL characters.");
            }
            checked.put(option.name(), value);
        }
        return new ProviderOptions(checked);
    }

    /** The option values by name, as checked; also their JSON. */
    @JsonValue
    public Map<String, Object> asMap() {
        return values;
    }

    public Optional<String> string(String name) {
        return Optional.ofNullable((String) values.get(name));
    }

    public Optional<Boolean> bool(String name) {
        return Optional.ofNullable((Boolean) values.get(name));
    }

    public Optional<Long> integer(String name) {
        return Optional.ofNullable((Number) values.get(name)).map(Number::longValue);
    }

    public Optional<Double> number(String name) {
        return Optional.ofNullable((Number) values.get(name)).map(Number::doubleValue);
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String name) {
        Object value = values.get(name);
        return value == null ? List.of() : List.copyOf((List<String>) value);
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> stringMap(String name) {
        Object value = values.get(name);
        return value == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, String>) value));
    }

    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> object(String name) {
        return Optional.ofNullable((Map<String, Object>) values.get(name));
    }

    /** A string-array option whose values must be absolute paths of existing directories. */
    public List<String> directories(String name) {
        List<String> directories = new ArrayList<>();
        for (String value : strings(name)) {
            if (!isAbsoluteDirectory(value)) {
                throw GatewayException.invalidArgument("Every entry of '" + name
                        + "' must be the absolute path of an existing directory; got '" + value + "'.");
            }
            directories.add(value);
        }
        return directories;
    }

    /** Options that must be positive when given (turn and price limits). */
    public Optional<Long> positiveInteger(String name) {
        Optional<Long> value = integer(name);
        if (value.isPresent() && value.get() < 1) {
            throw GatewayException.invalidArgument(
                    "Option '" + name + "' must be at least 1, got " + value.get() + ".");
        }
        return value;
    }

    public Optional<Double> positiveNumber(String name) {
        Optional<Double> value = number(name);
        if (value.isPresent() && !(value.get() > 0)) {
            throw GatewayException.invalidArgument(
                    "Option '" + name + "' must be greater than 0, got " + value.get() + ".");
        }
        return value;
    }

    /** The real path (every link resolved) of the existing directory at absolute path {@code value}. */
    public static Optional<Path> realDirectory(String value) {
        if (!isAbsoluteDirectory(value)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(value).toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The real path (every link resolved) of the existing regular file at absolute path {@code value}. */
    public static Optional<Path> realFile(String value) {
        try {
            Path path = Path.of(value);
            return path.isAbsolute() && Files.isRegularFile(path) ? Optional.of(path.toRealPath()) : Optional.empty();
        } catch (InvalidPathException | IOException e) {
            return Optional.empty();
        }
    }

    static boolean isAbsoluteDirectory(String value) {
        try {
            Path path = Path.of(value);
            return path.isAbsolute() && Files.isDirectory(path);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static boolean containsNul(Object value) {
        if (value instanceof String s) {
            return s.indexOf('\0') >= 0;
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(ProviderOptions::containsNul);
        }
        if (value instanceof Map<?, ?> map) {
            return map.keySet().stream().anyMatch(ProviderOptions::containsNul)
                    || map.values().stream().anyMatch(ProviderOptions::containsNul);
        }
        return false;
    }
}
