package io.llmgateway.config;

import io.llmgateway.core.ProviderId;
import java.util.EnumMap;
import java.util.Map;

/**
 * The executable the gateway runs for each provider: {@code LLM_GATEWAY_<PROVIDER>_COMMAND} when set (a name
 * looked up on PATH or a path, surrounding blanks removed), else the provider's default command name.
 *
 * @param overrides the set overrides by provider
 */
public record CliCommands(Map<ProviderId, String> overrides) {
    public static final CliCommands DEFAULTS = new CliCommands(Map.of());

    public CliCommands {
        overrides = Map.copyOf(overrides);
    }

    public static CliCommands fromEnvironment(Map<String, String> env) {
        Map<ProviderId, String> overrides = new EnumMap<>(ProviderId.class);
        for (ProviderId cli : ProviderId.values()) {
            String value = env.get(cli.commandOverrideVariable());
            if (value != null && !value.isBlank()) {
                overrides.put(cli, value.strip());
            }
        }
        return new CliCommands(overrides);
    }

    /** What to run for {@code cli}. */
    public String command(ProviderId cli) {
        return overrides.getOrDefault(cli, cli.defaultCommand());
    }

    /** Whether {@code cli}'s command comes from its {@code LLM_GATEWAY_<PROVIDER>_COMMAND}. */
    public boolean isOverridden(ProviderId cli) {
        return overrides.containsKey(cli);
    }
}
