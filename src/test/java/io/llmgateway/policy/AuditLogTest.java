package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditLogTest {
    private static final Instant TIME = Instant.parse("2025-06-10T10:00:48.125Z");
    private static final String SECRET = "sk-live-abc123";

    @TempDir
    Path dataDir;

    @Test
    void aLineHasKeysAndAHashButNeverArgumentValues() throws Exception {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("prompt", "use " + SECRET + " to deploy");
        arguments.put("apiKey", SECRET);
        arguments.put("options", Map.of("token", SECRET));
        try (AuditLog audit = new AuditLog(dataDir, AuditLog.DEFAULT_MAX_BYTES, AuditLog.DEFAULT_KEEP)) {
            audit.record(
                    TIME,
                    "claude_request",
                    null,
                    Principal.LOCAL,
                    arguments,
                    AuditOutcome.ERROR,
                    "cli_error",
                    null,
                    1234);
            audit.record(
                    TIME,
                    "claude_request",
                    null,
                    Principal.LOCAL,
                    arguments,
                    AuditOutcome.RATE_LIMITED,
                    "rate_limited",
                    "/tools/claude_request/limits/claude_rate",
                    0);
        }
        Path file = dataDir.resolve(AuditLog.FILE_NAME);
        String content = Files.readString(file);
        assertFalse(content.contains(SECRET), content);
        assertFalse(content.contains("abc123"), content);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        List<JsonNode> lines = JsonLines.read(file);
        JsonNode first = lines.get(0);
        assertEquals("2025-06-10T10:00:48.125Z", first.get("time").asText());
        assertEquals("claude_request", first.get("tool").asText());
        assertEquals("[\"apiKey\",\"options\",\"prompt\"]", first.get("argKeys").toString());
        assertEquals("error", first.get("outcome").asText());
        assertEquals("cli_error", first.get("errorCode").asText());
        assertFalse(first.has("rule"));
        assertEquals(1234, first.get("durationMs").asLong());
        assertEquals(ProcessHandle.current().pid(), first.get("pid").asLong());

        String canonical = "{\"apiKey\":\"" + SECRET + "\",\"options\":{\"token\":\"" + SECRET + "\"},\"prompt\":\"use "
                + SECRET + " to deploy\"}";
        String expectedHash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expectedHash, first.get("argsSha256").asText());

        JsonNode second = lines.get(1);
        assertEquals("rate_limited", second.get("outcome").asText());
        assertEquals(
                "/tools/claude_request/limits/claude_rate", second.get("rule").asText());
    }

    @Test
    void theHashDependsOnValuesNotKeyOrder() throws IOException {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", "x");
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", "x");
        ba.put("a", 1);
        try (AuditLog audit = new AuditLog(dataDir, AuditLog.DEFAULT_MAX_BYTES, AuditLog.DEFAULT_KEEP)) {
            audit.record(TIME, "t", null, Principal.LOCAL, ab, AuditOutcome.OK, null, null, 1);
            audit.record(TIME, "t", null, Principal.LOCAL, ba, AuditOutcome.OK, null, null, 1);
            audit.record(TIME, "t", null, Principal.LOCAL, Map.of("a", 1, "b", "y"), AuditOutcome.OK, null, null, 1);
            audit.record(TIME, "t", null, Principal.LOCAL, null, AuditOutcome.PROTOCOL_ERROR, null, null, 1);
        }
        List<JsonNode> lines = JsonLines.read(dataDir.resolve(AuditLog.FILE_NAME));
        assertEquals(lines.get(0).get("argsSha256"), lines.get(1).get("argsSha256"));
        assertNotEquals(lines.get(0).get("argsSha256"), lines.get(2).get("argsSha256"));
        assertEquals("[]", lines.get(3).get("argKeys").toString());
        assertEquals("protocol_error", lines.get(3).get("outcome").asText());
    }

    @Test
    void rotatesAtTheSizeLimitAndKeepsAFewFiles() throws IOException {
        int calls = 40;
        try (AuditLog audit = new AuditLog(dataDir, 1_000, 2)) {
            for (int i = 0; i < calls; i++) {
                audit.record(TIME, "call_" + i, null, Principal.LOCAL, Map.of("n", i), AuditOutcome.OK, null, null, i);
            }
        }
        Path current = dataDir.resolve("audit.jsonl");
        Path newest = dataDir.resolve("audit.jsonl.1");
        Path oldest = dataDir.resolve("audit.jsonl.2");
        assertTrue(Files.exists(newest) && Files.exists(oldest));
        assertFalse(Files.exists(dataDir.resolve("audit.jsonl.3")));
        for (Path file : List.of(newest, oldest)) {
            long size = Files.size(file);
            assertTrue(size >= 1_000 && size < 1_300, file + " has " + size + " bytes");
        }
        assertTrue(!Files.exists(current) || Files.size(current) < 1_000);
        // The newest lines survive in order across the current file and the rotated ones.
        List<JsonNode> kept = new ArrayList<>(JsonLines.read(oldest));
        kept.addAll(JsonLines.read(newest));
        if (Files.exists(current)) {
            kept.addAll(JsonLines.read(current));
        }
        assertEquals(
                "call_" + (calls - 1), kept.get(kept.size() - 1).get("tool").asText());
        for (int i = 1; i < kept.size(); i++) {
            assertEquals(
                    kept.get(i - 1).get("durationMs").asLong() + 1,
                    kept.get(i).get("durationMs").asLong());
        }
    }

    /** The rotated files and the rotation lock: a link planted at any of them makes the gateway write nothing through it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"audit.jsonl", "audit.jsonl.1", "audit.jsonl.2", "audit.lock"})
    void rotationWritesNothingThroughALink(String name, @TempDir Path outside) throws IOException {
        Path target = outside.resolve("target");
        Files.writeString(target, "precious\n");
        Path missing = outside.resolve("missing");
        Path link = dataDir.resolve(name);
        // A lock file is only ever created: a dangling link shows whether it was created through the link.
        Files.createSymbolicLink(link, name.endsWith(".lock") ? missing : target);
        try (AuditLog audit = new AuditLog(dataDir, 1_000, 2)) {
            for (int i = 0; i < 40; i++) {
                audit.record(TIME, "call_" + i, null, Principal.LOCAL, Map.of("n", i), AuditOutcome.OK, null, null, i);
            }
        }
        assertEquals("precious\n", Files.readString(target));
        assertFalse(Files.exists(missing));
    }
}
