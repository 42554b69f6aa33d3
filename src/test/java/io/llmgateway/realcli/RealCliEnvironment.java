package io.llmgateway.realcli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything one real CLI needs to run offline against a {@link FakeModelApi}: a throwaway HOME holding
 * the CLI's config files, a working directory, a temp directory, and a clean environment (nothing is
 * inherited from the test JVM except PATH, so a developer's real API keys never reach the CLI).
 * The settings are the ones observed to work on the pinned versions (reference provider-clis.md):
 * retries off so API errors surface at once, telemetry and update checks off, models that need no
 * metadata lookup or routing call.
 *
 * @param cli     which CLI
 * @param binary  its executable in the install cache
 * @param home    the throwaway HOME
 * @param workDir the directory to run it in (claude keeps transcripts per working directory)
 * @param tmpDir  TMPDIR (gemini writes error reports there)
 * @param environment the complete process environment
 */
public record RealCliEnvironment(
        RealCli cli, Path binary, Path home, Path workDir, Path tmpDir, Map<String, String> environment) {

    /** The model the codex config and gemini settings name: catalogue names, so no metadata warnings or routing calls. */
    public static final String CODEX_MODEL = "gpt-5.5";

    public static final String GEMINI_MODEL = "gemini-2.5-flash";

    public RealCliEnvironment {
        environment = Map.copyOf(environment);
    }

    /** Creates the directories and config files under {@code root/<cli>/}; the binary must be installed. */
    public static RealCliEnvironment create(RealCli cli, Path root, FakeModelApi api) {
        Path binary = cli.binary().orElseThrow(() -> new IllegalStateException(cli.notInstalled()));
        try {
            Path base = root.resolve(cli.cliName());
            Path home = Files.createDirectories(base.resolve("home"));
            Path workDir = Files.createDirectories(base.resolve("work"));
            Path tmpDir = Files.createDirectories(base.resolve("tmp"));
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
            env.put("HOME", home.toString());
            env.put("TMPDIR", tmpDir.toString());
            env.put("LANG", "C.UTF-8");
            env.put("NO_COLOR", "1");
            switch (cli) {
                case CLAUDE -> claude(env, api);
                case CODEX -> codex(env, home, api);
                case GEMINI -> gemini(env, home, api);
            }
            return new RealCliEnvironment(cli, binary, home, workDir, tmpDir, env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code binary args...}, ready for a ProcessBuilder. */
    public List<String> command(String... args) {
        return Stream.concat(Stream.of(binary.toString()), Stream.of(args)).toList();
    }

    /** This environment plus {@code extra} (e.g. the gateway's own variables). */
    public Map<String, String> environmentWith(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(extra);
        return env;
    }

    private static void claude(Map<String, String> env, FakeModelApi api) {
        env.put("ANTHROPIC_BASE_URL", api.baseUrl());
        env.put("ANTHROPIC_API_KEY", "dummy");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.put("CLAUDE_CODE_MAX_RETRIES", "0");
        env.put("API_TIMEOUT_MS", "30000");
    }

    /** codex ignores OPENAI_BASE_URL: a custom provider in config.toml points it at the fake. */
    private static void codex(Map<String, String> env, Path home, FakeModelApi api) throws IOException {
        env.put("FAKE_API_KEY", "dummy");
        Path codexHome = Files.createDirectories(home.resolve(".codex"));
        Files.writeString(codexHome.resolve("config.toml"), """
                model = "%s"
                model_provider = "fake"

                [model_providers.fake]
                name = "fake"
                base_url = "%s/v1"
                env_key = "FAKE_API_KEY"
                wire_api = "responses"
                request_max_retries = 0
                stream_max_retries = 0
                """.formatted(CODEX_MODEL, api.baseUrl()));
    }

    private static void gemini(Map<String, String> env, Path home, FakeModelApi api) throws IOException {
        env.put("GEMINI_API_KEY", "dummy");
        env.put("GOOGLE_GEMINI_BASE_URL", api.baseUrl());
        Path geminiDir = Files.createDirectories(home.resolve(".gemini"));
        Files.writeString(geminiDir.resolve("settings.json"), """
                {"general":{"enableAutoUpdate":false,"maxAttempts":1,"retryFetchErrors":false},
                 "model":{"name":"%s"},
                 "privacy":{"usageStatisticsEnabled":false},
                 "telemetry":{"enabled":false},
                 "security":{"auth":{"selectedType":"gemini-api-key"}}}
                """.formatted(GEMINI_MODEL));
    }
}
