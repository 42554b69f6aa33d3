package io.llmgateway.config;

import java.time.Duration;
import java.util.Map;

/**
 * The flight recorder's settings (docs/RECORDER.md).
 *
 * @param recordPrompts    whether the prompt itself is stored ({@code LLM_GATEWAY_RECORD_PROMPTS=1}); its size
 *                         always is
 * @param retention        day files older than this are deleted ({@code LLM_GATEWAY_RECORD_RETENTION_DAYS}, 30)
 * @param maxBytes         the oldest day files are deleted while all of them take more
 *                         ({@code LLM_GATEWAY_RECORD_MAX_MB}, 256 MiB); today's file is kept
 * @param maxStoredChars   a stored response (and prompt) is cut to this many characters
 *                         ({@code LLM_GATEWAY_RECORD_MAX_CHARS}, 200 000)
 */
public record RecorderConfig(boolean recordPrompts, Duration retention, long maxBytes, int maxStoredChars) {
    public static final String RECORD_PROMPTS_VARIABLE = "LLM_GATEWAY_RECORD_PROMPTS";
    public static final int MAX_STORED_CHARS = 2_000_000;
    public static final RecorderConfig DEFAULTS =
            new RecorderConfig(false, Duration.ofDays(30), 256L * 1024 * 1024, 200_000);

    public static RecorderConfig fromEnvironment(Map<String, String> env) {
        String prompts = env.getOrDefault(RECORD_PROMPTS_VARIABLE, "").trim();
        if (!prompts.isEmpty() && !prompts.equals("0") && !prompts.equals("1")) {
            throw new IllegalArgumentException(RECORD_PROMPTS_VARIABLE + " must be 1 or 0, got '" + prompts + "'");
        }
        long maxChars = EnvValues.positiveLong(env, "LLM_GATEWAY_RECORD_MAX_CHARS", DEFAULTS.maxStoredChars());
        if (maxChars > MAX_STORED_CHARS) {
            throw new IllegalArgumentException(
                    "LLM_GATEWAY_RECORD_MAX_CHARS must be at most " + MAX_STORED_CHARS + ", got " + maxChars);
        }
        return new RecorderConfig(
                prompts.equals("1"),
                Duration.ofDays(EnvValues.positiveLong(
                        env,
                        "LLM_GATEWAY_RECORD_RETENTION_DAYS",
                        DEFAULTS.retention().toDays())),
                EnvValues.positiveLong(env, "LLM_GATEWAY_RECORD_MAX_MB", DEFAULTS.maxBytes() / (1024 * 1024))
                        * 1024
                        * 1024,
                (int) maxChars);
    }
}
