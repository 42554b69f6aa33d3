package io.llmgateway.provider.cli;

import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.ProviderOption;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The provider CLIs the gateway can run, one per {@link ProviderId}. */
public final class ProviderRegistry {
    /** Request arguments every provider shares; provider options may not reuse these names. */
    public static final Set<String> COMMON_ARGUMENTS = Set.of(
            "prompt",
            "model",
            "sessionId",
            "createNewSession",
            "resumeLatest",
            "workingDir",
            "timeoutMs",
            "idleTimeoutMs",
            "correlationId");

    private final Map<ProviderId, ProviderCli> providers;

    public ProviderRegistry(List<ProviderCli> providers) {
        Map<ProviderId, ProviderCli> byId = new EnumMap<>(ProviderId.class);
        for (ProviderCli provider : providers) {
            if (byId.put(provider.id(), provider) != null) {
                throw new IllegalArgumentException("two providers for " + provider.id());
            }
            for (ProviderOption option : provider.options()) {
                if (COMMON_ARGUMENTS.contains(option.name())) {
                    throw new IllegalArgumentException(
                            provider.id() + " option '" + option.name() + "' clashes with a common request argument");
                }
            }
        }
        this.providers = Collections.unmodifiableMap(byId);
    }

    /** Every provider the gateway supports. */
    public static ProviderRegistry standard() {
        return new ProviderRegistry(List.of(
                new ClaudeCli(),
                new CodexCli(),
                new GeminiCli(),
                new GrokCli(),
                new MistralVibeCli(),
                new DevinCli(),
                new CursorAgentCli()));
    }

    public ProviderCli get(ProviderId id) {
        ProviderCli provider = providers.get(id);
        if (provider == null) {
            throw GatewayException.invalidArgument(
                    "The gateway has no CLI integration for provider '" + id.wireName() + "'.");
        }
        return provider;
    }

    /** In {@link ProviderId} order. */
    public Collection<ProviderCli> all() {
        return providers.values();
    }
}
