package io.llmgateway.redact;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets in CLI output by {@value #REPLACEMENT} before the gateway hands any of it back (results,
 * errors, job pages, progress, probes, logs). A CLI may echo its credentials, and a model may repeat a key
 * it read. Two kinds of secret are found:
 * <ul>
 * <li>the exact values of the environment variables the CLIs get whose names look secret
 * ({@link #isSecretName}), when at least {@value #MIN_SECRET_LENGTH} and at most {@value #MAX_SECRET_CHARS}
 * characters long and not an absolute path (a file's name is not its content); also as they appear inside
 * a JSON string;</li>
 * <li>the known key formats: Anthropic and OpenAI ({@code sk-…}, {@code sk-ant-…}, {@code sk-proj-…}),
 * Google ({@code AIza…}), xAI ({@code xai-…}), GitHub ({@code ghp_…}, {@code github_pat_…}), AWS access
 * key ids ({@code AKIA…}), Slack ({@code xox…-}), Hugging Face ({@code hf_…}), {@code Bearer} tokens,
 * private key blocks, and values assigned to a secret-looking name ({@code API_KEY=…},
 * {@code "password": "…"}).</li>
 * </ul>
 * Every match is local: it depends on at most {@value #MAX_SECRET_CHARS} characters around it, so a piece
 * of a stream redacted with that much context either side is redacted exactly as the whole stream would
 * be. Text is always redacted whole and cut afterwards, never the other way round. Thread-safe.
 */
public final class SecretRedactor {
    public static final String REPLACEMENT = "[redacted]";
    /** Shorter values are too likely to match ordinary text. */
    public static final int MIN_SECRET_LENGTH = 8;
    /** The longest secret found; also the context a piece of a stream needs either side. */
    public static final int MAX_SECRET_CHARS = 16 * 1024;

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH(?!OR)|COOKIE|PRIVATE).*");
    /** Characters of a key body: a key is a whole run of them (no match inside a longer word). */
    private static final String BODY = "A-Za-z0-9_-";

    private static final int MAX_BODY = 4096;
    /**
     * A value assigned to a secret-looking name: at least 8 characters, after an authorization scheme or
     * holding a digit (not a word of prose such as "required").
     */
    private static final String VALUE = "(?:(?:basic|bearer|token)\\s{1,8}|(?=[^\\s\"'`<>,;]{0," + MAX_BODY + "}\\d))"
            + "(?<s>[^\\s\"'`<>,;]{8," + MAX_BODY + "}+)";

    private static final List<KeyFormat> FORMATS = List.of(
            // sk-ant-, sk-proj-, … anywhere; a bare sk- only where it starts a word (not "task-…", "disk-…").
            new KeyFormat(
                    List.of("sk-"),
                    false,
                    false,
                    Pattern.compile("(?:sk-(?:ant|proj|svcacct|admin)-|(?<![" + BODY + "])sk-)[" + BODY + "]{20,"
                            + MAX_BODY + "}+(?![" + BODY + "])"),
                    false),
            key("AIza", "AIza", BODY, 30),
            key("xai-", "xai-", "A-Za-z0-9", 20),
            key("gh", "gh[pousr]_", "A-Za-z0-9", 30),
            key("github_pat_", "github_pat_", "A-Za-z0-9_", 20),
            key("AKIA", "AKIA", "0-9A-Z", 16),
            key("ASIA", "ASIA", "0-9A-Z", 16),
            key("xox", "xox[abeoprs]-", "A-Za-z0-9-", 10),
            key("hf_", "hf_", "A-Za-z0-9", 30),
            // The token after "Bearer", with a digit (not a word of prose).
            new KeyFormat(
                    List.of("bearer"),
                    true,
                    false,
                    Pattern.compile("(?i)(?<![A-Za-z0-9_])bearer\\s{1,8}"
                            + "(?<s>(?=[A-Za-z0-9._~+/=-]{0," + MAX_BODY + "}\\d)[A-Za-z0-9._~+/-]{8," + MAX_BODY
                            + "}+=*)(?![A-Za-z0-9._~+/=-])"),
                    true),
            // A value assigned to a secret-looking name: API_KEY=…, "password": "…", Authorization: Basic …
            new KeyFormat(
                    List.of("apikey", "key", "secret", "token", "passw", "credential", "auth"),
                    true,
                    true,
                    Pattern.compile("(?i)(?<![A-Za-z])(?:apikey|key|secret|token|password|passwd|credentials?"
                            + "|authorization|auth)[\"']?\\s{0,8}[:=]\\s{0,8}[\"']?" + VALUE),
                    true),
            new KeyFormat(
                    List.of("-----BEGIN "),
                    false,
                    false,
                    Pattern.compile("-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----" + "[\\s\\S]{0," + (MAX_SECRET_CHARS - 100)
                            + "}?-----END [A-Z ]{0,40}PRIVATE KEY-----"),
                    false));
    /** A private key block that has begun and not ended yet. */
    private static final Pattern OPEN_BLOCK = Pattern.compile("-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----");

    /**
     * One kind of key, looked for where one of its triggers occurs (a fast literal search) and matched there.
     *
     * @param anyCase    the triggers are looked for in any case
     * @param assignment the trigger starts a name that is assigned a value ({@code :} or {@code =} follows the
     *                   word): checked before the pattern, as most such words are prose
     * @param partOnly   only the named group {@code s} of a match is the secret (not the name before it)
     */
    private record KeyFormat(
            List<String> triggers, boolean anyCase, boolean assignment, Pattern pattern, boolean partOnly) {}

    /** A range of characters to replace, {@code [start, end)}. */
    public record Span(int start, int end) {}

    private final List<String> values;

    /** @param environment the environment the CLIs run with: the values of its secret-looking variables are secrets */
    public SecretRedactor(Map<String, String> environment) {
        Set<String> found = new LinkedHashSet<>();
        environment.forEach((name, value) -> {
            if (isSecretName(name)
                    && value != null
                    && value.strip().length() >= MIN_SECRET_LENGTH
                    && value.length() <= MAX_SECRET_CHARS
                    && !value.startsWith("/")) {
                found.add(value);
                found.add(value.strip()); // e.g. without the newline a file read into the variable ended with
                found.add(jsonEscaped(value)); // as a JSON line of the CLI's output carries it
            }
        });
        values = List.copyOf(found);
    }

    /** Whether a variable of this name holds a secret: its name contains KEY, TOKEN, SECRET, PASSWORD, AUTH, … */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** {@code text} with every secret replaced; null stays null. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        List<Span> spans = find(text);
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Span span : spans) {
            out.append(text, at, span.start()).append(REPLACEMENT);
            at = span.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    /** Whether {@code text} holds a secret. */
    public boolean containsSecret(String text) {
        return text != null && !find(text).isEmpty();
    }

    /** Where the secrets in {@code text} are: sorted, not overlapping nor touching. */
    public List<Span> find(CharSequence text) {
        List<Span> spans = new ArrayList<>();
        String string = text.toString();
        for (String value : values) {
            for (int at = string.indexOf(value); at >= 0; at = string.indexOf(value, at + 1)) {
                spans.add(new Span(at, at + value.length()));
            }
        }
        String lowerCase = lowerCase(string);
        for (KeyFormat format : FORMATS) {
            String searched = format.anyCase() ? lowerCase : string;
            // Lookbehinds see the character before the region: a key must start a word.
            Matcher matcher = format.pattern().matcher(string).useTransparentBounds(true);
            for (String trigger : format.triggers()) {
                for (int at = searched.indexOf(trigger); at >= 0; at = searched.indexOf(trigger, at + 1)) {
                    if ((!format.assignment() || assignmentAfterWord(lowerCase, at))
                            && matcher.region(at, string.length()).lookingAt()) {
                        spans.add(
                                format.partOnly()
                                        ? new Span(matcher.start("s"), matcher.end("s"))
                                        : new Span(matcher.start(), matcher.end()));
                    }
                }
            }
        }
        return merged(spans);
    }

    /**
     * For a stream that is still being written: the length of the prefix of {@code text} that more output
     * cannot turn into (part of) a secret. What follows it (a run of non-blank characters at the end, the
     * start of a variable's value, an unfinished private key block) is to be held back until more is known.
     */
    public int settledLength(CharSequence text) {
        int length = text.length();
        int settled = length;
        while (settled > 0 && settled > length - MAX_BODY - 64 && !Character.isWhitespace(text.charAt(settled - 1))) {
            settled--;
        }
        String tail =
                text.subSequence(Math.max(0, length - MAX_SECRET_CHARS), length).toString();
        int tailStart = length - tail.length();
        for (String value : values) {
            for (int k = Math.min(value.length() - 1, tail.length()); k > 0; k--) {
                if (tail.regionMatches(tail.length() - k, value, 0, k)) {
                    settled = Math.min(settled, length - k);
                    break;
                }
            }
        }
        Matcher open = OPEN_BLOCK.matcher(tail);
        while (open.find()) {
            if (tail.indexOf("-----END", open.end()) < 0) {
                settled = Math.min(settled, tailStart + open.start());
                break;
            }
        }
        return settled;
    }

    private static KeyFormat key(String trigger, String prefix, String body, int minBody) {
        return new KeyFormat(
                List.of(trigger),
                false,
                false,
                Pattern.compile("(?<![" + BODY + "])" + prefix + "[" + body + "]{" + minBody + "," + MAX_BODY + "}+(?!["
                        + BODY + "])"),
                false);
    }

    /** The text in lower case, of the same length (so positions carry over). */
    private static String lowerCase(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.length() == text.length()) {
            return lower;
        }
        char[] chars = text.toCharArray(); // a character whose lower case is longer (e.g. U+0130): ASCII only
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] += 'a' - 'A';
            }
        }
        return new String(chars);
    }

    /** Whether the word starting at {@code at} is followed by {@code :} or {@code =} (after a quote and blanks). */
    private static boolean assignmentAfterWord(String lowerCase, int at) {
        int i = at;
        while (i < lowerCase.length() && lowerCase.charAt(i) >= 'a' && lowerCase.charAt(i) <= 'z') {
            i++;
        }
        if (i < lowerCase.length() && (lowerCase.charAt(i) == '"' || lowerCase.charAt(i) == '\'')) {
            i++;
        }
        for (int blanks = 0;
                i < lowerCase.length() && blanks < 8 && Character.isWhitespace(lowerCase.charAt(i));
                blanks++) {
            i++;
        }
        return i < lowerCase.length() && (lowerCase.charAt(i) == ':' || lowerCase.charAt(i) == '=');
    }

    private static List<Span> merged(List<Span> spans) {
        if (spans.size() < 2) {
            return spans;
        }
        spans.sort(Comparator.comparingInt(Span::start));
        List<Span> out = new ArrayList<>();
        Span current = spans.get(0);
        for (Span next : spans.subList(1, spans.size())) {
            if (next.start() <= current.end()) {
                current = new Span(current.start(), Math.max(current.end(), next.end()));
            } else {
                out.add(current);
                current = next;
            }
        }
        out.add(current);
        return out;
    }

    private static String jsonEscaped(String value) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(value));
    }
}
