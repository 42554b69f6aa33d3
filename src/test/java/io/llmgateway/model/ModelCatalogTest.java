package io.llmgateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ProviderId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled table merged with the user's CLI configuration, and how request models resolve through it. */
class ModelCatalogTest {
    @TempDir
    Path home;

    private Path write(String relative, String content) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private ModelCatalog catalog(Map<String, String> extraEnv) {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("HOME", home.toString());
        return new ModelCatalog(env);
    }

    @Test
    void everyProviderHasABundledEntryWithItsSourceAndTheCliVersionItWasReadFrom() {
        for (ProviderModels models : catalog(Map.of()).all()) {
            assertFalse(models.models().isEmpty(), models.cli().wireName());
            assertEquals(
                    ModelSource.BUNDLED, models.defaultSource(), models.cli().wireName());
            assertTrue(
                    models.observedOn() != null && !models.observedOn().isBlank(),
                    models.cli().wireName());
            assertTrue(models.models().stream().allMatch(m -> m.source() == ModelSource.BUNDLED && m.origin() == null));
            assertTrue(models.warnings().isEmpty());
        }
        ProviderModels codex = catalog(Map.of()).models(ProviderId.CODEX);
        assertEquals("gpt-6.1-sol", codex.defaultModel());
    }

    @Test
    void gatewayAliasesResolveToTheirTarget() {
        ResolvedModel resolved = catalog(Map.of()).resolve(ProviderId.CLAUDE, "claude-opus-4.8");
        assertEquals("claude-opus-4-8", resolved.model());
        assertTrue(resolved.changed());
        assertEquals(ModelAlias.ResolvedBy.GATEWAY, resolved.via().resolvedBy());
        assertEquals(
                "gpt-6.1-sol",
                catalog(Map.of()).resolve(ProviderId.CODEX, "GPT-6.1").model());
    }

    @Test
    void cliAliasesAndUnknownModelsPassUnchanged() {
        ModelCatalog catalog = catalog(Map.of());
        ResolvedModel opus = catalog.resolve(ProviderId.CLAUDE, "opus");
        assertEquals("opus", opus.model());
        assertFalse(opus.changed());
        assertNull(opus.via());
        assertEquals(
                "claude-next-9",
                catalog.resolve(ProviderId.CLAUDE, "claude-next-9").model());
        assertEquals("flash", catalog.resolve(ProviderId.GEMINI, "flash").model());
    }

    @Test
    void everyNameOfAModelHasThatModelsIdentity() {
        ModelCatalog catalog = catalog(Map.of());
        for (String name : List.of("opus", "OPUS", "Claude-Opus-4-8", "claude-opus-4.8", "claude-opus-4-8")) {
            assertEquals("claude-opus-4-8", catalog.identity(ProviderId.CLAUDE, name), name);
        }
        assertEquals("gemini-2.5-flash", catalog.identity(ProviderId.GEMINI, "Flash"));
        assertEquals("opus", catalog.identity(ProviderId.DEVIN, "OPUS"), "an alias without a known target is itself");
        assertEquals("claude-next-9", catalog.identity(ProviderId.CLAUDE, "claude-next-9"));
        assertEquals("claude-opus-4.8", catalog.identity(ProviderId.CODEX, "claude-opus-4.8"), "per provider");
    }

    @Test
    void knownModelsGetTheTablesSpelling() {
        assertEquals(
                "gpt-6.1-sol",
                catalog(Map.of()).resolve(ProviderId.CODEX, "GPT-6.1-Sol").model());
    }

    @Test
    void aliasesAreScopedToTheirProvider() {
        assertEquals(
                "claude-opus-4.8",
                catalog(Map.of()).resolve(ProviderId.CODEX, "claude-opus-4.8").model());
    }

    @Test
    void claudeSettingsSetTheDefaultAndAnUnknownChoiceIsListedAsAUserModel() throws IOException {
        Path settings = write(".claude/settings.json", "{\"model\": \"claude-experimental-x\", \"permissions\": {}}");

        ProviderModels claude = catalog(Map.of()).models(ProviderId.CLAUDE);

        assertEquals("claude-experimental-x", claude.defaultModel());
        assertEquals(ModelSource.USER_CONFIG, claude.defaultSource());
        assertEquals(settings.toString(), claude.defaultOrigin());
        assertTrue(claude.models().stream()
                .anyMatch(m -> m.id().equals("claude-experimental-x")
                        && m.source() == ModelSource.USER_CONFIG
                        && m.origin().equals(settings.toString())));
    }

    @Test
    void aDefaultThatIsAKnownAliasIsNotListedAsAModel() throws IOException {
        write(".claude/settings.json", "{\"model\": \"opus\"}");
        ProviderModels claude = catalog(Map.of()).models(ProviderId.CLAUDE);
        assertEquals("opus", claude.defaultModel());
        assertTrue(claude.models().stream().noneMatch(m -> m.id().equals("opus")));
    }

    @Test
    void theCliVariableWinsOverItsSettingsFile() throws IOException {
        write(".claude/settings.json", "{\"model\": \"sonnet\"}");
        ProviderModels claude = catalog(Map.of("ANTHROPIC_MODEL", "fable")).models(ProviderId.CLAUDE);
        assertEquals("fable", claude.defaultModel());
        assertEquals(ModelSource.ENVIRONMENT, claude.defaultSource());
        assertEquals("ANTHROPIC_MODEL", claude.defaultOrigin());
    }

    @Test
    void codexReadsTheModelOfTheSelectedProfile() throws IOException {
        Path config = write(
                ".codex/config.toml",
                "model = \"gpt-6-sol\"\nprofile = 'fast'\n\n[profiles.fast]\nmodel = \"gpt-6-luna\" # cheap\n"
                        + "\n[profiles.deep]\nmodel = \"gpt-6-astra\"\n");
        assertEquals("gpt-6-luna", catalog(Map.of()).models(ProviderId.CODEX).defaultModel());

        Files.writeString(config, "model = \"gpt-6-sol\"\n[profiles.deep]\nmodel = \"gpt-6-astra\"\n");
        assertEquals("gpt-6-sol", catalog(Map.of()).models(ProviderId.CODEX).defaultModel());
    }

    @Test
    void codexHonoursCodexHome() throws IOException {
        Path codexHome = home.resolve("elsewhere");
        Files.createDirectories(codexHome);
        Files.writeString(codexHome.resolve("config.toml"), "model = \"gpt-5.5\"\n");
        ProviderModels codex =
                catalog(Map.of("CODEX_HOME", codexHome.toString())).models(ProviderId.CODEX);
        assertEquals("gpt-5.5", codex.defaultModel());
        assertEquals(codexHome.resolve("config.toml").toString(), codex.defaultOrigin());
    }

    @Test
    void geminiSettingsGiveTheDefaultAndTheUsersOwnAliasesWhichOverrideBundledOnes() throws IOException {
        Path settings = write(
                ".gemini/settings.json",
                "{\"model\": {\"name\": \"gemini-3-pro-preview\"}, \"modelConfigs\": {\"customAliases\": {"
                        + "\"reviewer\": {\"modelConfig\": {\"model\": \"gemini-2.5-pro\"}}, \"flash\": {\"extends\": \"base\"}}}}");

        ModelCatalog catalog = catalog(Map.of());
        ProviderModels gemini = catalog.models(ProviderId.GEMINI);

        assertEquals("gemini-3-pro-preview", gemini.defaultModel());
        ModelAlias reviewer = gemini.aliases().stream()
                .filter(a -> a.alias().equals("reviewer"))
                .findFirst()
                .orElseThrow();
        assertEquals("gemini-2.5-pro", reviewer.target());
        assertEquals(ModelSource.USER_CONFIG, reviewer.source());
        assertEquals(ModelAlias.ResolvedBy.CLI, reviewer.resolvedBy());
        assertEquals(
                1,
                gemini.aliases().stream().filter(a -> a.alias().equals("flash")).count());
        assertEquals(
                ModelSource.USER_CONFIG,
                gemini.aliases().stream()
                        .filter(a -> a.alias().equals("flash"))
                        .findFirst()
                        .orElseThrow()
                        .source());
        assertEquals("reviewer", catalog.resolve(ProviderId.GEMINI, "reviewer").model());
    }

    @Test
    void vibeReadsActiveModelFromItsHome() throws IOException {
        Path vibeHome = home.resolve("vibe");
        Files.createDirectories(vibeHome);
        Files.writeString(
                vibeHome.resolve("config.toml"), "active_model = \"devstral-2\"\n[session_logging]\nenabled = false\n");
        ProviderModels mistral =
                catalog(Map.of("VIBE_HOME", vibeHome.toString())).models(ProviderId.MISTRAL);
        assertEquals("devstral-2", mistral.defaultModel());
        assertEquals(ModelSource.USER_CONFIG, mistral.defaultSource());
    }

    @Test
    void anUnreadableSettingsFileIsAWarningNotAnError() throws IOException {
        Path settings = write(".claude/settings.json", "{not json");
        ProviderModels claude = catalog(Map.of()).models(ProviderId.CLAUDE);
        assertEquals(ModelSource.BUNDLED, claude.defaultSource());
        assertEquals(1, claude.warnings().size());
        assertTrue(
                claude.warnings().get(0).contains(settings.toString()),
                claude.warnings().get(0));
    }

    @Test
    void codexConfigIsReadAsTomlWithDottedKeysInlineTablesAndMultiLineStrings() throws IOException {
        // A multi-line string that looks like a table, and the profile as a dotted key: a line reader gets both wrong.
        Path config = write(
                ".codex/config.toml",
                "notes = \"\"\"\n[profiles.fast]\nmodel = \"wrong\"\n\"\"\"\n"
                        + "\"profile\" = \"fast\"\nprofiles.fast.model = \"gpt-6-luna\"\n");
        assertEquals("gpt-6-luna", catalog(Map.of()).models(ProviderId.CODEX).defaultModel());

        Files.writeString(config, "profile = 'deep'\nprofiles = { deep = { model = \"a\\\"b\\u00e9\" } }\n");
        assertEquals("a\"bé", catalog(Map.of()).models(ProviderId.CODEX).defaultModel());
    }

    @Test
    void aConfigTomlThatIsNotTomlIsAWarningNotAnError() throws IOException {
        Path config = write(".codex/config.toml", "model = \"unterminated\n[[[\n");
        ProviderModels codex = catalog(Map.of()).models(ProviderId.CODEX);
        assertEquals(ModelSource.BUNDLED, codex.defaultSource());
        assertTrue(
                codex.warnings().get(0).contains(config + " is not valid TOML"),
                codex.warnings().toString());
    }
}
