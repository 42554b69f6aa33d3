package io.llmgateway.config;

import io.llmgateway.files.PrivateFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Immutable gateway settings read once from the environment at start-up.
 *
 * @param dataDir          {@code $LLM_GATEWAY_HOME}, else {@code $HOME/.llm-cli-gateway}
 * @param sessionTtl       sessions unused for this long expire ({@code LLM_GATEWAY_SESSION_TTL_DAYS}, default 30)
 * @param maxLineBytes     longest JSON-RPC line accepted on stdin ({@code LLM_GATEWAY_MAX_LINE_BYTES}, default 32 MiB)
 * @param shutdownDrain    how long stdin EOF waits for in-flight responses before exiting
 * @param maxOutputBytes   cap per output stream of one CLI run ({@code LLM_GATEWAY_MAX_OUTPUT_BYTES}, default 20 MiB)
 * @param environment      the environment the gateway started with: passed through to the CLIs it runs,
 *                         and where {@code LLM_GATEWAY_<PROVIDER>_COMMAND} overrides are read
 * @param jobs             durable jobs: sync deadline, dedup window, limits, retention
 * @param commands         the executable of each provider ({@code LLM_GATEWAY_<PROVIDER>_COMMAND})
 * @param probeTimeout     the limit of one {@code --version} or login probe of a CLI
 *                         ({@code LLM_GATEWAY_PROBE_TIMEOUT_MS}, default 5 s)
 */
public record GatewayConfig(
        Path dataDir,
        Duration sessionTtl,
        int maxLineBytes,
        Duration shutdownDrain,
        long maxOutputBytes,
        Map<String, String> environment,
        JobConfig jobs,
        CliCommands commands,
        Duration probeTimeout) {

    public static final int DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 20L * 1024 * 1024;
    public static final String PROBE_TIMEOUT_VARIABLE = "LLM_GATEWAY_PROBE_TIMEOUT_MS";
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** The exec layer keeps captured output in one array per stream. */
    static final long MAX_OUTPUT_BYTES = Integer.MAX_VALUE - 8;

    public GatewayConfig {
        environment = Map.copyOf(environment);
    }

    /** With the default job settings. */
    public GatewayConfig(
            Path dataDir,
            Duration sessionTtl,
            int maxLineBytes,
            Duration shutdownDrain,
            long maxOutputBytes,
            Map<String, String> environment) {
        this(dataDir, sessionTtl, maxLineBytes, shutdownDrain, maxOutputBytes, environment, JobConfig.DEFAULTS);
    }

    /** With the commands and the probe timeout {@code environment} sets. */
    public GatewayConfig(
            Path dataDir,
            Duration sessionTtl,
            int maxLineBytes,
            Duration shutdownDrain,
            long maxOutputBytes,
            Map<String, String> environment,
            JobConfig jobs) {
        this(
                dataDir,
                sessionTtl,
                maxLineBytes,
                shutdownDrain,
                maxOutputBytes,
                environment,
                jobs,
                CliCommands.fromEnvironment(environment),
                probeTimeout(environment));
    }

    public static GatewayConfig fromEnvironment(Map<String, String> env) {
        return new GatewayConfig(
                resolveDataDir(env),
                Duration.ofDays(EnvValues.positiveLong(env, "LLM_GATEWAY_SESSION_TTL_DAYS", 30)),
                (int) EnvValues.positiveLong(env, "LLM_GATEWAY_MAX_LINE_BYTES", DEFAULT_MAX_LINE_BYTES),
                Duration.ofMillis(EnvValues.positiveLong(env, "LLM_GATEWAY_SHUTDOWN_DRAIN_MS", 1500)),
                maxOutputBytes(env),
                withoutEmptyValues(env),
                JobConfig.fromEnvironment(env));
    }

    /**
     * An empty variable counts as unset: a host that expands {@code $NAME} of a variable it does not have
     * (Gemini CLI) passes it empty, and a CLI must not take an empty API key for a configured one.
     */
    static Map<String, String> withoutEmptyValues(Map<String, String> env) {
        Map<String, String> set = new java.util.HashMap<>();
        env.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                set.put(name, value);
            }
        });
        return set;
    }

    /** The probe timeout {@value #PROBE_TIMEOUT_VARIABLE} sets; IllegalArgumentException for a bad value. */
    public static Duration probeTimeout(Map<String, String> env) {
        return Duration.ofMillis(EnvValues.positiveLong(env, PROBE_TIMEOUT_VARIABLE, DEFAULT_PROBE_TIMEOUT.toMillis()));
    }

    private static long maxOutputBytes(Map<String, String> env) {
        long value = EnvValues.positiveLong(env, "LLM_GATEWAY_MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT_BYTES);
        if (value > MAX_OUTPUT_BYTES) {
            throw new IllegalArgumentException(
                    "LLM_GATEWAY_MAX_OUTPUT_BYTES must be at most " + MAX_OUTPUT_BYTES + ", got " + value);
        }
        return value;
    }

    /**
     * HOME is read from the environment first: the JVM's user.home ignores it. The parent is resolved to its
     * real path (links the user made above the data directory are followed once, here); the data directory
     * itself being a link is refused on use (docs/STORE.md).
     */
    public static Path resolveDataDir(Map<String, String> env) {
        String explicit = env.get("LLM_GATEWAY_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return PrivateFiles.withRealParent(Path.of(explicit));
        }
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home");
        }
        return PrivateFiles.withRealParent(Path.of(home, ".llm-cli-gateway"));
    }
}
