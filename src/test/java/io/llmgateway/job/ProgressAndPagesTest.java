package io.llmgateway.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.cli.ClaudeCli;
import io.llmgateway.provider.cli.GeminiCli;
import io.llmgateway.provider.cli.ProviderCli;
import io.llmgateway.provider.cli.ProviderRegistry;
import io.llmgateway.redact.SecretRedactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Progress lines from the real CLI samples, and redacted output pages cut on character boundaries. */
class ProgressAndPagesTest {
    private static final Path SAMPLES = Path.of("/work/shared/reference/cli-samples");
    private static final SecretRedactor NO_SECRETS = new SecretRedactor(Map.of());
    private static final String KEY = "sk-ant-api03-" + "Q".repeat(80) + "AA";

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "claude | claude-stream-json-mcp-tool.jsonl | 5 events, 1 tool call, last tool mcp__mini__echo, last event result",
                "codex | codex-exec-json-mcp-tool.jsonl | 7 events, 1 tool call, last tool echo, last event turn.completed",
                "gemini | gemini-stream-json-mcp-tool-yolo.jsonl | 6 events, 1 tool call, last tool mcp_mini_echo, last event result"
            })
    void progressLinesOfRealOutputNameToolsButNoText(String cli, String sample, String expected) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(SAMPLES), "reference samples not present");
        ProviderCli provider =
                ProviderRegistry.standard().get(ProviderId.fromWireName(cli).orElseThrow());
        ProgressTracker tracker = new ProgressTracker(Json.newMapper(), NO_SECRETS, provider::toolStarted);
        for (String line : Files.readAllLines(SAMPLES.resolve(sample))) {
            tracker.onStdoutLine(line);
        }
        assertEquals(expected, tracker.line());
        assertFalse(tracker.line().contains("ping-from-fake-model"));
    }

    @Test
    void plainTextCountsLinesOnly() {
        ProgressTracker tracker = new ProgressTracker(Json.newMapper(), NO_SECRETS, new ClaudeCli()::toolStarted);
        assertNull(tracker.line());
        tracker.onStdoutLine("the secret reply");
        tracker.onStdoutLine("more");
        assertEquals("2 lines of output", tracker.line());
    }

    @Test
    void pagesEndOnCharacterBoundaries(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("stdout.log");
        byte[] bytes = "aé€😀b".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 + 1 bytes; 😀 is two chars
        Files.write(file, bytes);
        assertEquals(1, next(file, 1, true));
        assertEquals(3, next(file, 2, true));
        assertEquals(6, next(file, 3, true));
        assertEquals(6, next(file, 4, true), "a surrogate pair is not split");
        assertEquals(10, next(file, 5, true));
        assertEquals(11, next(file, 6, true));
        Files.write(file, new byte[] {'a', 'b', '\n', (byte) 0xc3});
        assertEquals(3, next(file, 10, false), "an incomplete character is left for the next page");
    }

    private static long next(Path file, int maxChars, boolean finished) throws IOException {
        return OutputPages.read(file, "stdout", 0, maxChars, finished, NO_SECRETS)
                .nextOffset();
    }

    @Test
    void pagesOfARedactedStreamNeverShowPartOfASecretWhereverTheyAreCut(@TempDir Path dir) throws IOException {
        SecretRedactor redactor = new SecretRedactor(Map.of("MY_TOKEN", "the value of my token 42"));
        String text = "start é\n" + ("{\"text\":\"key " + KEY + " and the value of my token 42, é😀\"}\n").repeat(4)
                + "Authorization: Bearer abc123def456ghi789\nend";
        Path file = dir.resolve("stdout.log");
        Files.writeString(file, text);
        String expected = redactor.redact(text);
        assertFalse(expected.contains("QQQQ") || expected.contains("token 42") || expected.contains("abc123"));
        for (int maxChars = 1; maxChars <= 120; maxChars++) {
            StringBuilder all = new StringBuilder();
            long offset = 0;
            JobService.OutputPage page;
            do {
                page = OutputPages.read(file, "stdout", offset, maxChars, true, redactor);
                assertTrue(page.text().length() <= Math.max(maxChars, SecretRedactor.REPLACEMENT.length()));
                String shown = page.text();
                assertFalse(
                        shown.contains("QQ") || shown.contains("42") || shown.contains("abc1"),
                        () -> "a page shows part of a secret: " + shown);
                all.append(page.text());
                offset = page.nextOffset();
            } while (!page.complete());
            assertEquals(expected, all.toString(), "pages of " + maxChars + " characters");
        }
    }

    @Test
    void aPageStartingInsideASecretShowsTheReplacementForTheRest(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("stderr.log");
        Files.writeString(file, "error: key " + KEY + " rejected\n");
        long inside = "error: key sk-ant-api03-QQ".length();
        assertEquals(
                "[redacted] rejected\n",
                OutputPages.read(file, "stderr", inside, 1000, true, NO_SECRETS).text());
    }

    @Test
    void whileTheCliWritesAHalfWrittenSecretIsLeftForTheNextPage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("stdout.log");
        String half = KEY.substring(0, 30);
        Files.writeString(file, "hello\n" + half);
        JobService.OutputPage first = OutputPages.read(file, "stdout", 0, 1000, false, NO_SECRETS);
        assertEquals("hello\n", first.text());
        Files.writeString(file, "hello\n" + KEY + "\nbye\n");
        JobService.OutputPage second = OutputPages.read(file, "stdout", first.nextOffset(), 1000, true, NO_SECRETS);
        assertEquals("[redacted]\nbye\n", second.text());
        assertTrue(second.complete());
    }

    @Test
    void progressNeverShowsASecretEvenInAToolName() {
        String longValue = "v".repeat(40) + "-secret-value-" + "w".repeat(40);
        ProgressTracker tracker = new ProgressTracker(
                Json.newMapper(), new SecretRedactor(Map.of("API_TOKEN", longValue)), new GeminiCli()::toolStarted);
        tracker.onStdoutLine("{\"type\":\"tool_use\",\"tool_name\":\"" + KEY + "\"}");
        assertEquals("1 event, 1 tool call, last tool [redacted], last event tool_use", tracker.line());
        tracker.onStdoutLine("{\"type\":\"" + longValue + "\"}");
        assertFalse(tracker.line().contains("vvvv"), "redacted before the name is cut: " + tracker.line());
    }
}
