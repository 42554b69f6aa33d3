package io.llmgateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The model table shipped in the jar ({@code models.json} next to this class). */
final class BundledModels {
    static final String RESOURCE = "models.json";

    /** One provider's row of the table. */
    record Row(
            String defaultModel,
            String defaultNote,
            String observedOn,
            List<ModelInfo> models,
            List<ModelAlias> aliases) {}

    private BundledModels() {}

    static Map<ProviderId, Row> load() {
        try (InputStream in = BundledModels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return parse(Json.newMapper(), in);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled " + RESOURCE + " cannot be read", e);
        }
    }

    static Map<ProviderId, Row> parse(ObjectMapper mapper, InputStream in) throws IOException {
        JsonNode root = mapper.readTree(in);
        Map<ProviderId, Row> rows = new EnumMap<>(ProviderId.class);
        for (ProviderId provider : ProviderId.values()) {
            JsonNode node = root.get(provider.wireName());
            if (node == null) {
                throw new IllegalStateException(RESOURCE + " has no entry for " + provider.wireName());
            }
            List<ModelInfo> models = new ArrayList<>();
            for (JsonNode model : node.path("models")) {
                models.add(new ModelInfo(
                        model.get("id").asText(), model.path("description").asText(null), ModelSource.BUNDLED, null));
            }
            List<ModelAlias> aliases = new ArrayList<>();
            for (JsonNode alias : node.path("aliases")) {
                aliases.add(new ModelAlias(
                        alias.get("alias").asText(),
                        alias.path("target").asText(null),
                        ModelAlias.ResolvedBy.valueOf(
                                alias.get("resolvedBy").asText().toUpperCase(Locale.ROOT)),
                        ModelSource.BUNDLED,
                        null));
            }
            rows.put(
                    provider,
                    new Row(
                            node.path("default").asText(null),
                            node.path("defaultNote").asText(null),
                            node.path("observedOn").asText(null),
                            models,
                            aliases));
        }
        return rows;
    }
}
