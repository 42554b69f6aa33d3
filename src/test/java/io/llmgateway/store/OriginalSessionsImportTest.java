package io.llmgateway.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The original gateway's sessions.json, as 2.11.1 and 3.1.0-rc.8 really wrote it, is imported without loss. */
class OriginalSessionsImportTest {
    /** The fixtures were written on 2026-12-03 07:15 UTC; an hour later none has expired. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T08:15:00Z"), ZoneOffset.UTC);

    private static final String COPY_NAME = "sessions.json.original-20261203T081500Z";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonFileSessionStore open() {
        return new JsonFileSessionStore(dir, CLOCK);
    }

    private SessionService sessions(JsonFileSessionStore store) {
        return new SessionService(store, CLOCK, Duration.ofDays(30));
    }

    private static byte[] fixture(String version) throws IOException {
        try (InputStream in =
                OriginalSessionsImportTest.class.getResourceAsStream("original-sessions-" + version + ".json")) {
            return in.readAllBytes();
        }
    }

    private static int size(JsonFileSessionStore store) {
        return store.read(state -> state.size());
    }

    private Path snapshot() {
        return dir.resolve(JsonFileSessionStore.SNAPSHOT_FILE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2.11.1", "3.1.0-rc.8"})
    void everySessionAndActivePointerOfTheOriginalIsImported(String version) throws IOException {
        byte[] original = fixture(version);
        JsonNode expected = JSON.readTree(original);
        Files.write(snapshot(), original);
        try (JsonFileSessionStore store = open()) {
            SessionService service = sessions(store);
            SessionService.SessionPage page = service.list(Principal.LOCAL, Optional.empty(), 100, 0);
            assertEquals(4, page.total());
            for (JsonNode session : expected.get("sessions")) {
                String id = session.get("id").asText();
                SessionRecord record = service.get(Principal.LOCAL, id).record();
                assertEquals(id, record.id(), "the id is kept unchanged");
                assertEquals(session.get("cli").asText(), record.cli().wireName());
                assertEquals(session.get("description").asText(), record.description());
                assertEquals(Instant.parse(session.get("createdAt").asText()), record.createdAt());
                assertEquals(Instant.parse(session.get("lastUsedAt").asText()), record.lastUsedAt());
                assertNull(record.nativeSessionId(), "the original never knew which conversation it holds");
                assertNull(record.owner(), "ownerPrincipal local is the stdio caller's");
            }
            JsonNode active = expected.get("activeSession");
            for (ProviderId cli : ProviderId.values()) {
                JsonNode pointer = active.get(cli.wireName());
                assertEquals(
                        pointer == null || pointer.isNull() ? null : pointer.asText(),
                        page.activeSessions().get(cli),
                        cli.wireName());
            }
            assertEquals(List.of(), store.warnings());
        }
        Path copy = dir.resolve(COPY_NAME);
        assertArrayEquals(original, Files.readAllBytes(copy), "the original's bytes are kept");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        JsonNode rewritten = JSON.readTree(snapshot().toFile());
        assertTrue(rewritten.get("sessions").isArray(), "this gateway's snapshot replaced it");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".corrupt-")), "nothing quarantined");
        }
    }

    @Test
    void importedSessionsWorkByTheirBareIdsAndNewOnesAreGatewayIds() throws IOException {
        Files.write(snapshot(), fixture("3.1.0-rc.8"));
        String claude = "5a9b916f-4156-4812-be88-b740dbb2d703";
        String gemini = "1adc16f0-01f4-4c29-8fc2-22544ae704f1";
        try (JsonFileSessionStore store = open()) {
            SessionService service = sessions(store);
            assertEquals(
                    gemini,
                    service.setActive(Principal.LOCAL, ProviderId.GEMINI, gemini)
                            .activeSessionId());
            assertTrue(
                    service.recordRun(Principal.LOCAL, claude, null, Map.of()).isPresent());
            assertTrue(service.delete(Principal.LOCAL, claude).wasActive());
            String created = service.create(Principal.LOCAL, ProviderId.CLAUDE, null, true)
                    .record()
                    .id();
            assertTrue(created.startsWith("gw-"), created);
        }
        try (JsonFileSessionStore store = open()) {
            SessionService service = sessions(store);
            assertEquals(
                    gemini,
                    service.active(Principal.LOCAL, ProviderId.GEMINI)
                            .orElseThrow()
                            .id());
            assertThrows(GatewayException.class, () -> service.get(Principal.LOCAL, claude));
            assertEquals(
                    4, service.list(Principal.LOCAL, Optional.empty(), 100, 0).total());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    1,
                    files.filter(f -> f.getFileName().toString().contains(".original-"))
                            .count(),
                    "imported once: later starts read this gateway's own files");
        }
    }

    @Test
    void metadataOwnersAndWhatCannotBeHeldAreImportedOrNamed() throws IOException {
        String file = """
                {"sessions":{
                  "c1":{"id":"c1","cli":"claude","createdAt":"2026-12-03T07:00:00.000Z",
                        "lastUsedAt":"2026-12-03T07:30:00.000Z","description":"work",
                        "metadata":{"worktreePath":"/w/c1","strictMcpConfig":true,"acp":{"sessionId":"a-1"}},
                        "ownerPrincipal":"alice","generation":"g1"},
                  "gw-x":{"id":"gw-x","cli":"codex","createdAt":"2026-12-03T07:00:00.000Z",
                        "lastUsedAt":"2026-12-03T07:00:00.000Z","description":"legacy","ownerPrincipal":null},
                  "k1":{"id":"k1","cli":"grok-api","createdAt":"2026-12-03T07:00:00.000Z",
                        "lastUsedAt":"2026-12-03T07:00:00.000Z","description":"api","ownerPrincipal":"local"},
                  "t1":{"id":"t1","cli":"gemini","createdAt":"yesterday",
                        "lastUsedAt":"2026-12-03T07:00:00.000Z","description":"d","ownerPrincipal":"local"}},
                 "activeSession":{"claude":"c1","codex":null,"grok-api":"k1"},
                 "activeKitSession":{}}
                """;
        Files.writeString(snapshot(), file);
        try (JsonFileSessionStore store = open()) {
            SessionService service = sessions(store);
            SessionRecord c1 = service.get(new Principal("alice"), "c1").record();
            assertEquals(
                    Map.of("worktreePath", "/w/c1", "strictMcpConfig", "true", "acp", "{\"sessionId\":\"a-1\"}"),
                    c1.metadata());
            assertEquals("alice", c1.owner());
            assertEquals(
                    "c1",
                    service.active(new Principal("alice"), ProviderId.CLAUDE)
                            .orElseThrow()
                            .id(),
                    "the pointer belongs to its session's owner, as in the original");
            assertTrue(service.active(Principal.LOCAL, ProviderId.CLAUDE).isEmpty());
            SessionRecord legacy = service.get(Principal.LOCAL, "gw-x").record();
            assertEquals("legacy", legacy.description());
            assertNull(legacy.owner(), "a record without an owner is local's, as in the original");
            List<String> warnings = store.warnings();
            assertEquals(3, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("\"k1\"") && warnings.get(0).contains("grok-api"), warnings.get(0));
            assertTrue(warnings.get(1).contains("\"t1\"") && warnings.get(1).contains("createdAt"), warnings.get(1));
            assertTrue(warnings.get(2).contains("active grok-api session \"k1\""), warnings.get(2));
            assertTrue(warnings.stream().allMatch(w -> w.contains(COPY_NAME)), "each names where it is kept");
        }
    }

    @Test
    void theCopyIsNeverWrittenThroughALink() throws IOException {
        byte[] original = fixture("2.11.1");
        Files.write(snapshot(), original);
        Path outside = Files.writeString(dir.resolveSibling(dir.getFileName() + "-outside"), "keep");
        Files.createSymbolicLink(dir.resolve(COPY_NAME), outside);
        try (JsonFileSessionStore store = open()) {
            assertEquals(4, size(store));
        }
        assertEquals("keep", Files.readString(outside));
        assertArrayEquals(original, Files.readAllBytes(dir.resolve(COPY_NAME + "-1")));
    }

    @Test
    void notImportedWhileTheOriginalRunsOnTheDirectory() throws Exception {
        byte[] original = fixture("2.11.1");
        Files.write(snapshot(), original);
        Path logs = Files.writeString(dir.resolve("logs.db"), "SQLite format 3");
        // Any process keeping logs.db open is what the original looks like while it runs.
        Process holder = new ProcessBuilder("tail", "-f", logs.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (JsonFileSessionStore store = open()) {
            awaitOpen(holder, logs);
            GatewayException refused = assertThrows(GatewayException.class, () -> size(store));
            assertEquals(ErrorCode.STORE_UNAVAILABLE, refused.code());
            assertTrue(refused.getMessage().contains("pid " + holder.pid()), refused.getMessage());
            assertTrue(refused.getMessage().contains("logs.db open"), refused.getMessage());
            assertArrayEquals(original, Files.readAllBytes(snapshot()), "untouched");
            assertFalse(Files.exists(dir.resolve(COPY_NAME)));
            holder.destroy();
            holder.waitFor();
            assertEquals(4, size(store), "imported once it has stopped");
        } finally {
            holder.destroyForcibly();
        }
        assertEquals("SQLite format 3", Files.readString(logs), "the original's other files are left alone");
    }

    private static void awaitOpen(Process holder, Path file) throws InterruptedException {
        Path descriptors = Path.of("/proc", Long.toString(holder.pid()), "fd");
        for (int i = 0; i < 500; i++) {
            List<Path> targets = new ArrayList<>();
            try (Stream<Path> fds = Files.list(descriptors)) {
                for (Path fd : fds.toList()) {
                    try {
                        targets.add(Files.readSymbolicLink(fd));
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            } catch (IOException e) {
                // not started yet
            }
            if (targets.stream().anyMatch(t -> t.toString().equals(file.toString()))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("tail never opened " + file);
    }
}
