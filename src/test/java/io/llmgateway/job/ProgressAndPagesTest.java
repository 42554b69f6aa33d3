package io.llmgateway.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Progress lines from the real CLI samples, and output pages cut on character boundaries. */
class ProgressAndPagesTest {
    private static final Path SAMPLES = Path.of("/work/shared/reference/cli-samples");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "claude-stream-json-mcp-tool.jsonl | 5 events, 1 tool call, last tool mcp__mini__echo, last event result",
            "codex-exec-json-mcp-tool.jsonl | 7 events, 1 tool call, last tool echo, last event turn.completed",
            "gemini-stream-json-mcp-tool-yolo.jsonl | 6 events, 1 tool call, last tool mcp_mini_echo, last event result"})
    void progressLinesOfRealOutputNameToolsButNoText(String sample, String expected) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(SAMPLES), "reference samples not present");
        ProgressTracker tracker = new ProgressTracker(Json.newMapper());
        for (String line : Files.readAllLines(SAMPLES.resolve(sample))) {
            tracker.onStdoutLine(line);
        }
        assertEquals(expected, tracker.line());
        assertFalse(tracker.line().contains("ping-from-fake-model"));
    }

    @Test
    void plainTextCountsLinesOnly() {
        ProgressTracker tracker = new ProgressTracker(Json.newMapper());
        assertNull(tracker.line());
        tracker.onStdoutLine("the secret reply");
        tracker.onStdoutLine("more");
        assertEquals("2 lines of output", tracker.line());
    }

    @Test
    void pagesEndOnCharacterBoundaries() {
        byte[] bytes = "aé€😀b".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 + 1 bytes; 😀 is two chars
        assertEquals(1, OutputPages.boundary(bytes, bytes.length, 1));
        assertEquals(3, OutputPages.boundary(bytes, bytes.length, 2));
        assertEquals(6, OutputPages.boundary(bytes, bytes.length, 3));
        assertEquals(6, OutputPages.boundary(bytes, bytes.length, 4), "a surrogate pair is not split");
        assertEquals(10, OutputPages.boundary(bytes, bytes.length, 5));
        assertEquals(11, OutputPages.boundary(bytes, bytes.length, 6));
        assertEquals(6, OutputPages.boundary(bytes, 8, 10), "an incomplete character is left for the next page");
    }
}
