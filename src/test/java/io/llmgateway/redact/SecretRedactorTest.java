package io.llmgateway.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which values and key formats are secrets, and what is left alone. */
class SecretRedactorTest {
    private static final String R = SecretRedactor.REPLACEMENT;
    private final SecretRedactor none = new SecretRedactor(Map.of());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AA",
                "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
                "sk-AbCdEfGhIjKlMnOpQrStT3BlbkFJAbCdEfGhIjKlMnOpQrSt",
                "AIzaSyA1234567890abcdefghijklmnopqrstuv",
                "xai-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
                "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                "AKIAIOSFODNN7EXAMPLE",
                "xoxb-1234567890-abcdefghij",
                "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"
            })
    void knownKeyFormatsAreRedactedWherever(String key) {
        assertEquals("key " + R + " end", none.redact("key " + key + " end"));
        assertEquals("{\"k\":\"" + R + "\"}", none.redact("{\"k\":\"" + key + "\"}"));
        assertEquals("=" + R, none.redact("=" + key));
    }

    @Test
    void anthropicAndOpenAiProjectKeysAreFoundEvenGluedToAWord() {
        assertEquals("KEY" + R, none.redact("KEYsk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx"));
        assertEquals("x" + R, none.redact("xsk-proj-AbCdEfGhIjKlMnOpQrStUvWx"));
    }

    @Test
    void tokensAfterNamesAndBearerAreRedactedButNotTheNames() {
        assertEquals(
                "Authorization: Bearer " + R + "\n",
                none.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123\n"));
        assertEquals("export GITHUB_TOKEN=" + R + " ok", none.redact("export GITHUB_TOKEN=t0ps3cr3tvalue ok"));
        assertEquals("{\"password\": \"" + R + "\"}", none.redact("{\"password\": \"hunter2hunter2\"}"));
        assertEquals("api_key: " + R, none.redact("api_key: abc123def456"));
        assertEquals("Authorization: Basic " + R, none.redact("Authorization: Basic dXNlcjpwYXNzMTIz"));
        String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
        assertEquals("key:\n" + R + "\n", none.redact("key:\n" + pem + "\n"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Missing bearer or basic authentication in header",
                "\"usage\":{\"input_tokens\":123456789,\"output_tokens\":98765432}",
                "a task-abcdefghijklmnopqrstuvwxyz0123 id and disk-usage-reporting-tool-configuration",
                "monkey=123456789a",
                "password: required",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 /home/dev/project"
            })
    void ordinaryTextIsLeftAlone(String text) {
        assertEquals(text, none.redact(text));
    }

    @Test
    void secretLookingVariablesAreRedactedByValueAlsoInsideJson() {
        SecretRedactor redactor = new SecretRedactor(Map.of(
                "MY_SERVICE_TOKEN", "plain-words-no-digits",
                "DB_PASSWORD", "pa\"ss\\word!",
                "OPENAI_API_KEY", "short",
                "SSH_AUTH_SOCK", "/tmp/ssh-XXXX/agent.1",
                "GIT_AUTHOR_NAME", "Alice Example",
                "HOME", "/home/alice-the-developer"));
        assertEquals("t=" + R + ".", redactor.redact("t=plain-words-no-digits."));
        assertEquals("{\"p\":\"" + R + "\"} " + R, redactor.redact("{\"p\":\"pa\\\"ss\\\\word!\"} pa\"ss\\word!"));
        assertEquals(
                "short /tmp/ssh-XXXX/agent.1 Alice Example /home/alice-the-developer",
                redactor.redact("short /tmp/ssh-XXXX/agent.1 Alice Example /home/alice-the-developer"),
                "too short, a path, an author's name and non-secret names are kept");
        assertTrue(SecretRedactor.isSecretName("ANTHROPIC_API_KEY")
                && SecretRedactor.isSecretName("gh_token")
                && SecretRedactor.isSecretName("AWS_SECRET_ACCESS_KEY")
                && SecretRedactor.isSecretName("PGPASSWORD"));
        assertFalse(SecretRedactor.isSecretName("GIT_AUTHOR_EMAIL") || SecretRedactor.isSecretName("PATH"));
    }

    @Test
    void redactingAPieceWithContextGivesWhatTheWholeGives() {
        String key = "sk-ant-api03-" + "Q".repeat(90);
        String text = ("line " + key + " and GITHUB_TOKEN=abc123abc123 more\n").repeat(50);
        String whole = none.redact(text);
        int context = SecretRedactor.MAX_SECRET_CHARS;
        for (int cut = 0; cut < text.length(); cut += 37) {
            // The spans that overlap [cut, cut + 1) seen with context are those the whole text has.
            int from = Math.max(0, cut - context);
            String window = text.substring(from, Math.min(text.length(), cut + context));
            for (SecretRedactor.Span span : none.find(window)) {
                if (from + span.start() <= cut && cut < from + span.end()) {
                    assertTrue(
                            none.find(text).contains(new SecretRedactor.Span(from + span.start(), from + span.end())));
                }
            }
        }
        assertFalse(whole.contains("QQQQ") || whole.contains("abc123"));
    }

    @Test
    void anUnfinishedStreamHoldsBackWhatMoreOutputCouldMakeASecret() {
        SecretRedactor redactor = new SecretRedactor(Map.of("ANTHROPIC_API_KEY", "value of the key 123"));
        assertEquals(
                6, redactor.settledLength("done\n\nsk-ant-api0"), "a run of non-blanks at the end may grow into a key");
        assertEquals(4, redactor.settledLength("abc value of"), "the start of a variable's value");
        assertEquals(5, redactor.settledLength("done\n"));
        String open = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n";
        assertEquals(2, redactor.settledLength(open), "an unfinished private key block");
    }
}
