package io.llmgateway.provider;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Blanks out the values of secret-looking environment variables (API keys, tokens, passwords) in CLI
 * output before it is quoted in an error: a CLI may echo its credentials, and errors must not leak them.
 */
final class SecretRedactor {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH).*");
    /** Shorter values are too likely to match ordinary text. */
    private static final int MIN_SECRET_LENGTH = 8;
    static final String REPLACEMENT = "[redacted]";

    private final List<String> secrets;

    SecretRedactor(Map<String, String> environment) {
        secrets = environment.entrySet().stream()
                .filter(e -> SECRET_NAME.matcher(e.getKey()).matches())
                .map(Map.Entry::getValue)
                .filter(v -> v != null && v.length() >= MIN_SECRET_LENGTH)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, REPLACEMENT);
        }
        return result;
    }
}
