package io.llmgateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
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

    /** Loaded on the first TOML file read, not at start-up. */
    private static final class Toml {
        static final TomlMapper MAPPER = new TomlMapper();
    }

    /** The user's default and their own aliases for one provider. */
    record Settings(Optional<ModelInfo> defaultModel, List<ModelAlias> aliases, List<String> warnings) {}

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
            case CLAUDE ->
                variable("ANTHROPIC_MODEL")
                        .or(() -> jsonString(
                                dir("CLAUDE_CONFIG_DIR", ".claude").resolve("settings.json"), warnings, "model"));
            case CODEX -> codex(warnings);
            case GEMINI -> variable("GEMINI_MODEL").or(() -> gemini(aliases, warnings));
            case GROK -> variable("GROK_MODEL");
            case MISTRAL ->
                variable("VIBE_ACTIVE_MODEL")
                        .or(() ->
                                tomlString(dir("VIBE_HOME", ".vibe").resolve("config.toml"), warnings, "active_model"));
            case DEVIN -> variable("DEVIN_MODEL");
            case CURSOR -> Optional.empty();
        };
        return new Settings(model, aliases, warnings);
    }

    /** {@code model}, or the model of the profile named by {@code profile}, in config.toml. */
    private Optional<ModelInfo> codex(List<String> warnings) {
        Path file = dir("CODEX_HOME", ".codex").resolve("config.toml");
        Optional<JsonNode> toml = readToml(file, warnings);
        if (toml.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> profile = text(toml.get().path("profile"));
        Optional<String> model = profile.flatMap(
                        p -> text(toml.get().path("profiles").path(p).path("model")))
                .or(() -> text(toml.get().path("model")));
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
        for (Iterator<Map.Entry<String, JsonNode>> it = custom.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> alias = it.next();
            String target = alias.getValue().path("modelConfig").path("model").asText(null);
            aliases.add(new ModelAlias(
                    alias.getKey(), target, ModelAlias.ResolvedBy.CLI, ModelSource.USER_CONFIG, file.toString()));
        }
        JsonNode model = settings.get().path("model");
        String name = model.isTextual() ? model.asText() : model.path("name").asText(null);
        return Optional.ofNullable(name).filter(n -> !n.isBlank()).map(n -> fromFile(n, file));
    }

    private Optional<ModelInfo> variable(String name) {
        return Optional.ofNullable(env.get(name))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .map(v -> new ModelInfo(v, null, ModelSource.ENVIRONMENT, name));
    }

    private Optional<ModelInfo> jsonString(Path file, List<String> warnings, String field) {
        return readJson(file, warnings)
                .map(json -> json.path(field).asText(null))
                .filter(v -> !v.isBlank())
                .map(v -> fromFile(v, file));
    }

    private Optional<ModelInfo> tomlString(Path file, List<String> warnings, String key) {
        return readToml(file, warnings).flatMap(toml -> text(toml.path(key))).map(v -> fromFile(v, file));
    }

    /** A non-blank string value; anything else (absent, a table, a number) is no setting. */
    private static Optional<String> text(JsonNode value) {
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static Optional<JsonNode> readToml(Path file, List<String> warnings) {
        return readFile(file, warnings).flatMap(text -> {
            try {
                return Optional.of(Toml.MAPPER.readTree(text));
            } catch (IOException e) {
                warnings.add(file + " is not valid TOML; its model settings were ignored");
                return Optional.empty();
            }
        });
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
            warnings.add(
                    file + " cannot be read (" + e.getClass().getSimpleName() + "); its model settings were ignored");
            return Optional.empty();
        }
    }
}
