package io.llmgateway.provider.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to run a CLI for one request.
 *
 * @param arguments          everything after the executable, passed without a shell
 * @param stdin              the text written to the CLI's stdin before it is closed; null closes it at once
 * @param environmentChanges variables to set on top of the gateway's environment
 * @param environmentRemoved variables to remove from it
 */
public record Invocation(
        List<String> arguments, String stdin, Map<String, String> environmentChanges, Set<String> environmentRemoved) {

    public Invocation {
        arguments = List.copyOf(arguments);
        environmentChanges = Map.copyOf(environmentChanges);
        environmentRemoved = Set.copyOf(environmentRemoved);
    }

    public static Invocation of(List<String> arguments, String stdin) {
        return new Invocation(arguments, stdin, Map.of(), Set.of());
    }

    /** The CLI's environment: the gateway's with this invocation's changes applied. */
    public Map<String, String> environment(Map<String, String> base) {
        Objects.requireNonNull(base, "base");
        Map<String, String> environment = new HashMap<>(base);
        environmentRemoved.forEach(environment::remove);
        environment.putAll(environmentChanges);
        return environment;
    }
}
