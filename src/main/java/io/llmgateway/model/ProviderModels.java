package io.llmgateway.model;

import io.llmgateway.core.ProviderId;
import java.util.List;

/**
 * What the gateway knows about one provider's models: the bundled table merged with the user's own
 * CLI configuration (which wins for the default).
 *
 * @param defaultModel the model the CLI uses when a request names none, or null when the CLI decides
 *                     per account
 * @param defaultNote  how the default is chosen, in a sentence
 * @param observedOn   the CLI version the bundled entries were read from
 * @param warnings     configuration files that exist but could not be read
 */
public record ProviderModels(
        ProviderId cli,
        String defaultModel,
        ModelSource defaultSource,
        String defaultOrigin,
        String defaultNote,
        String observedOn,
        List<ModelInfo> models,
        List<ModelAlias> aliases,
        List<String> warnings) {

    public ProviderModels {
        models = List.copyOf(models);
        aliases = List.copyOf(aliases);
        warnings = List.copyOf(warnings);
    }
}
