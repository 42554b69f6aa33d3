package io.llmgateway.provider.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a CLI's arguments. Values are attached to their option as {@code --option=value}, so a value
 * starting with '-' can never be read as another option, and an option taking optional or several
 * values never swallows the next argument.
 */
final class Argv {
    private final List<String> arguments = new ArrayList<>();

    Argv add(String... values) {
        arguments.addAll(List.of(values));
        return this;
    }

    Argv addIf(boolean condition, String value) {
        if (condition) {
            arguments.add(value);
        }
        return this;
    }

    /** {@code option=value} when the value is present. */
    Argv option(String option, Optional<?> value) {
        value.ifPresent(v -> arguments.add(option + "=" + format(v)));
        return this;
    }

    Argv option(String option, String value) {
        return option(option, Optional.ofNullable(value));
    }

    /** {@code option=value} once per value. */
    Argv repeated(String option, List<String> values) {
        values.forEach(v -> arguments.add(option + "=" + v));
        return this;
    }

    List<String> build() {
        return List.copyOf(arguments);
    }

    private static String format(Object value) {
        return value instanceof Double d
                ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()
                : value.toString();
    }
}
