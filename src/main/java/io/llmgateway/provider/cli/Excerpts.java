package io.llmgateway.provider.cli;

/** Bounded pieces of CLI output for error messages and details. */
public final class Excerpts {
    private Excerpts() {}

    /** The last {@code maxChars} characters, trimmed; never splits a surrogate pair. */
    public static String tail(String text, int maxChars) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.length() <= maxChars) {
            return trimmed;
        }
        int start = trimmed.length() - maxChars;
        if (Character.isLowSurrogate(trimmed.charAt(start))) {
            start++;
        }
        return "…" + trimmed.substring(start);
    }

    /** The first {@code maxChars} characters; never splits a surrogate pair. */
    public static String head(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /** The last non-blank line, bounded; empty when there is none. */
    public static String lastLine(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        String[] lines = text.strip().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return head(lines[i].strip(), maxChars);
            }
        }
        return "";
    }
}
