package io.llmgateway.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a JSON-lines file (the audit log) for assertions. */
final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {}

    static List<JsonNode> read(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .map(line -> {
                    try {
                        return MAPPER.readTree(line);
                    } catch (IOException e) {
                        throw new UncheckedIOException("not a JSON line: " + line, e);
                    }
                })
                .toList();
    }
}
