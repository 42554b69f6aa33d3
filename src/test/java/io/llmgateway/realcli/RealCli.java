package io.llmgateway.realcli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The provider CLIs that scripts/install-clis.sh installs, and where their binaries sit in its cache
 * ({@code $LLM_GATEWAY_CLI_CACHE}, default {@code $HOME/.cache/llm-cli-gateway/clis}).
 */
public enum RealCli {
    CLAUDE("claude", "node_modules/.bin/claude"),
    // The npm `codex` is a node launcher; its native binary starts ~0.15 s faster.
    CODEX("codex", "node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"),
    GEMINI("gemini", "node_modules/.bin/gemini");

    private final String cliName;
    private final String binaryInCache;

    RealCli(String cliName, String binaryInCache) {
        this.cliName = cliName;
        this.binaryInCache = binaryInCache;
    }

    /** The gateway's {@code cli} value and tool prefix ({@code claude_request}, ...). */
    public String cliName() {
        return cliName;
    }

    /** The gateway's command override variable, e.g. {@code LLM_GATEWAY_CLAUDE_COMMAND}. */
    public String commandVariable() {
        return "LLM_GATEWAY_" + cliName.toUpperCase(java.util.Locale.ROOT) + "_COMMAND";
    }

    /** The installed, executable binary, if the cache holds one. */
    public Optional<Path> binary() {
        Path binary = cacheDir(System.getenv()).resolve(binaryInCache);
        return Files.isExecutable(binary) ? Optional.of(binary) : Optional.empty();
    }

    /** Why a real-CLI test is skipped or the benchmark refuses to run. */
    public String notInstalled() {
        return cliName + " is not installed in " + cacheDir(System.getenv())
                + ": run scripts/install-clis.sh (it honours LLM_GATEWAY_CLI_CACHE)";
    }

    private static Path cacheDir(Map<String, String> env) {
        String explicit = env.get("LLM_GATEWAY_CLI_CACHE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".cache", "llm-cli-gateway", "clis");
    }
}
