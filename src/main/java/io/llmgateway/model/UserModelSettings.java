package io.llmgateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model choices a user made in each CLI's own configuration: the variable the CLI reads first,
 * then its settings file. Only reads; a file that exists but cannot be read becomes a warning.
 */
final class UserModelSettings {
    private static final ObjectMapper MAPPER = Json.newMapper();

    /** The user's default and their own aliases for one provider. */
    record Settings(Optional<ModelInfo> defaultModel, List<ModelAlias> aliases, List<String> warnings) {
    }

    private final Map<String, String> env;
    private final Path home;

    UserModelSettings(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    Settings read(ProviderId provider) {
        List<String> warnings = new ArrayList<>();
        List<ModelAlias> aliases = new ArrayList<>();
        Optional<ModelInfo> model = switch (provider) {
            case CLAUDE -> variable("ANTHROPIC_MODEL")
                    .or(() -> jsonString(dir("CLAUDE_CONFIG_DIR", ".claude").resolve("settings.json"), warnings, "model"));
            case CODEX -> codex(warnings);
            case GEMINI -> variable("GEMINI_MODEL").or(() -> gemini(aliases, warnings));
            case GROK -> variable("GROK_MODEL");
            case MISTRAL -> variable("VIBE_ACTIVE_MODEL")
                    .or(() -> tomlString(dir("VIBE_HOME", ".vibe").resolve("config.toml"), warnings, null, "active_model"));
            case DEVIN -> variable("DEVIN_MODEL");
            case CURSOR -> Optional.empty();
        };
        return new Settings(model, aliases, warnings);
    }

    /** {@code model}, or the model of the profile named by {@code profile}, in config.toml. */
    private Optional<ModelInfo> codex(List<String> warnings) {
        Path file = dir("CODEX_HOME", ".codex").resolve("config.toml");
        Optional<String> toml = readFile(file, warnings);
        if (toml.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> profile = TomlValues.string(toml.get(), null, "profile");
        Optional<String> model = profile.flatMap(p -> TomlValues.string(toml.get(), "profiles." + p, "model"))
                .or(() -> TomlValues.string(toml.get(), null, "model"));
        return model.map(m -> fromFile(m, file));
    }

    /** settings.json: {@code model.name} (or an older plain {@code model}), and {@code modelConfigs.customAliases}. */
    private Optional<ModelInfo> gemini(List<ModelAlias> aliases, List<String> warnings) {
        Path file = home.resolve(".gemini/settings.json");
        Optional<JsonNode> settings = readJson(file, warnings);
        if (settings.isEmpty()) {
            return Optional.empty();
        }
        JsonNode custom = settings.get().path("modelConfigs").path("customAliases");
        for (Iterator<Map.Entry<String, JsonNode>> it = custom.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> alias = it.next();
            String target = alias.getValue().path("modelConfig").path("model").asText(null);
            aliases.add(new ModelAlias(alias.getKey(), target, ModelAlias.ResolvedBy.CLI, ModelSource.USER_CONFIG,
                    file.toString()));
        }
        JsonNode model = settings.get().path("model");
        String name = model.isTextual() ? model.asText() : model.path("name").asText(null);
        return Optional.ofNullable(name).filter(n -> !n.isBlank()).map(n -> fromFile(n, file));
    }

    private Optional<ModelInfo> variable(String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty())
                .map(v -> new ModelInfo(v, null, ModelSource.ENVIRONMENT, name));
    }

    private Optional<ModelInfo> jsonString(Path file, List<String> warnings, String field) {
        return readJson(file, warnings).map(json -> json.path(field).asText(null))
                .filter(v -> !v.isBlank()).map(v -> fromFile(v, file));
    }

    private Optional<ModelInfo> tomlString(Path file, List<String> warnings, String table, String key) {
        return readFile(file, warnings).flatMap(toml -> TomlValues.string(toml, table, key))
                .filter(v -> !v.isBlank()).map(v -> fromFile(v, file));
    }

    private static ModelInfo fromFile(String model, Path file) {
        return new ModelInfo(model, null, ModelSource.USER_CONFIG, file.toString());
    }

    private Path dir(String variable, String defaultName) {
        String value = env.get(variable);
        return value != null && !value.isBlank() ? Path.of(value) : home.resolve(defaultName);
    }

    private static Optional<JsonNode> readJson(Path file, List<String> warnings) {
        return readFile(file, warnings).flatMap(text -> {
            try {
                JsonNode node = MAPPER.readTree(text);
                if (node != null && node.isObject()) {
                    return Optional.of(node);
                }
            } catch (IOException e) {
                // reported below
            }
            warnings.add(file + " is not a JSON object; its model settings were ignored");
            return Optional.empty();
        });
    }

    private static Optional<String> readFile(Path file, List<String> warnings) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            warnings.add(file + " cannot be read (" + e.getClass().getSimpleName() + "); its model settings were ignored");
            return Optional.empty();
        }
    }
}
