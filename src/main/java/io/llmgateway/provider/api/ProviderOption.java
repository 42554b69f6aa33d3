package io.llmgateway.provider.api;

import java.util.List;
import java.util.Objects;

/**
 * A provider-specific request option as neutral data; the tools layer turns it into JSON Schema.
 *
 * @param allowedValues for {@link OptionType#STRING} options with a closed set of values; empty otherwise
 */
public record ProviderOption(String name, OptionType type, String description, List<String> allowedValues) {

    public ProviderOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        allowedValues = List.copyOf(allowedValues);
        if (!allowedValues.isEmpty() && type != OptionType.STRING) {
            throw new IllegalArgumentException("only string options have allowed values: " + name);
        }
    }

    public static ProviderOption of(String name, OptionType type, String description) {
        return new ProviderOption(name, type, description, List.of());
    }

    public static ProviderOption choice(String name, String description, String... allowedValues) {
        return new ProviderOption(name, OptionType.STRING, description, List.of(allowedValues));
    }
}
