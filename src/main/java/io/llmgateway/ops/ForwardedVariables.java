package io.llmgateway.ops;

import io.llmgateway.core.ProviderId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The variables a host must hand the gateway from its own environment: the provider CLIs' credentials,
 * endpoints and settings, and the gateway's own settings. Hosts that pass servers only a few variables
 * (Codex) or drop those that look secret (Gemini CLI) get these names in the entry, never their values.
 */
public final class ForwardedVariables {
    /** Names with these prefixes that are set when {@code setup} runs are forwarded too. */
    static final List<String> PREFIXES = List.of(
            "ANTHROPIC_",
            "CLAUDE_",
            "OPENAI_",
            "CODEX_",
            "GEMINI_",
            "GOOGLE_",
            "XAI_",
            "GROK_",
            "MISTRAL_",
            "VIBE_",
            "CURSOR_",
            "DEVIN_",
            "LLM_GATEWAY_");

    /** What the CLIs read for login, endpoint, model and config location (README lists them). */
    static final List<String> PROVIDER_VARIABLES = List.of(
            "ANTHROPIC_API_KEY",
            "ANTHROPIC_AUTH_TOKEN",
            "ANTHROPIC_BASE_URL",
            "ANTHROPIC_MODEL",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "CLAUDE_CODE_USE_BEDROCK",
            "CLAUDE_CODE_USE_VERTEX",
            "CLAUDE_CONFIG_DIR",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "CODEX_API_KEY",
            "CODEX_HOME",
            "GEMINI_API_KEY",
            "GEMINI_MODEL",
            "GOOGLE_API_KEY",
            "GOOGLE_GEMINI_BASE_URL",
            "GOOGLE_GENAI_USE_VERTEXAI",
            "GOOGLE_CLOUD_PROJECT",
            "GOOGLE_CLOUD_LOCATION",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "XAI_API_KEY",
            "GROK_API_KEY",
            "GROK_MODEL",
            "MISTRAL_API_KEY",
            "VIBE_HOME",
            "VIBE_ACTIVE_MODEL",
            "CURSOR_API_KEY",
            "CURSOR_API_ENDPOINT",
            "DEVIN_API_KEY",
            "DEVIN_MODEL");

    /** Every setting the gateway reads (README's configuration table). */
    static final List<String> GATEWAY_VARIABLES = gatewayVariables();

    private ForwardedVariables() {}

    /**
     * The names to forward: the known ones plus any set in {@code env} with a forwarded prefix, minus
     * {@code exclude} (variables the entry sets to a value itself). Sorted, so a rerun writes the same entry.
     */
    public static List<String> names(Map<String, String> env, java.util.Set<String> exclude) {
        TreeSet<String> names = new TreeSet<>(PROVIDER_VARIABLES);
        names.addAll(GATEWAY_VARIABLES);
        for (String name : env.keySet()) {
            if (PREFIXES.stream().anyMatch(name::startsWith) && !name.startsWith("LLM_GATEWAY_RUN_")) {
                names.add(name);
            }
        }
        names.removeAll(exclude);
        return List.copyOf(names);
    }

    private static List<String> gatewayVariables() {
        List<String> names = new ArrayList<>(List.of(
                "LLM_GATEWAY_HOME",
                "LLM_GATEWAY_POLICY",
                "LLM_GATEWAY_SESSION_TTL_DAYS",
                "LLM_GATEWAY_MAX_LINE_BYTES",
                "LLM_GATEWAY_SHUTDOWN_DRAIN_MS",
                "LLM_GATEWAY_MAX_OUTPUT_BYTES",
                "LLM_GATEWAY_SYNC_DEADLINE_MS",
                "LLM_GATEWAY_DEDUP_WINDOW_MS",
                "LLM_GATEWAY_MAX_JOBS",
                "LLM_GATEWAY_MAX_JOBS_PER_PROVIDER",
                "LLM_GATEWAY_MAX_QUEUED_JOBS",
                "LLM_GATEWAY_JOB_RETENTION_DAYS",
                "LLM_GATEWAY_PROBE_TIMEOUT_MS"));
        for (ProviderId provider : ProviderId.values()) {
            names.add(provider.commandOverrideVariable());
        }
        return List.copyOf(names);
    }
}
