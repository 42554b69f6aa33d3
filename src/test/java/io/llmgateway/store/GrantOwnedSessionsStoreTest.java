package io.llmgateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.files.FileMutex;
import io.llmgateway.session.SessionService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners in the session files: a grant's records and active pointers survive a reopen, from the journal and
 * from a compacted snapshot; files written before grants existed (no owner anywhere) are the grant local's.
 */
class GrantOwnedSessionsStoreTest {
    private static final Clock CLOCK = Clock.fixed(StoreTestSupport.T0, ZoneOffset.UTC);
    private static final Principal ALICE = new Principal("alice");

    @TempDir
    Path dir;

    private SessionService service(JsonFileSessionStore store) {
        return new SessionService(store, CLOCK, Duration.ofDays(30));
    }

    @Test
    void ownersAndTheirActivePointersSurviveAReopenFromJournalAndSnapshot() throws Exception {
        for (int compaction : new int[] {1_000_000, 1}) {
            Path data = dir.resolve("c" + compaction);
            String alices;
            String locals;
            try (JsonFileSessionStore store = new JsonFileSessionStore(data, CLOCK, compaction, FileMutex.PATIENCE)) {
                alices = service(store)
                        .create(ALICE, ProviderId.CLAUDE, "alice's", true)
                        .record()
                        .id();
                locals = service(store)
                        .create(Principal.LOCAL, ProviderId.CLAUDE, "local's", true)
                        .record()
                        .id();
            }
            try (JsonFileSessionStore store = new JsonFileSessionStore(data, CLOCK)) {
                SessionService sessions = service(store);
                assertEquals(
                        alices,
                        sessions.active(ALICE, ProviderId.CLAUDE).orElseThrow().id(),
                        "compaction " + compaction);
                assertEquals(
                        locals,
                        sessions.active(Principal.LOCAL, ProviderId.CLAUDE)
                                .orElseThrow()
                                .id());
                assertEquals(1, sessions.list(ALICE, Optional.empty(), 10, 0).total());
                assertEquals(
                        1,
                        sessions.list(Principal.LOCAL, Optional.empty(), 10, 0).total());
                assertEquals("alice", sessions.get(ALICE, alices).record().owner());
            }
        }
        String snapshot = Files.readString(dir.resolve("c1").resolve(JsonFileSessionStore.SNAPSHOT_FILE));
        assertTrue(snapshot.contains("\"grantActive\"") && snapshot.contains("\"grant\" : \"alice\""), snapshot);
    }

    @Test
    void recordsWithoutAnOwnerBelongToLocal() throws Exception {
        Files.writeString(dir.resolve(JsonFileSessionStore.SNAPSHOT_FILE), """
                {"format":1,"generation":0,"active":{"claude":"gw-old"},"sessions":[
                 {"id":"gw-old","cli":"claude","description":"from before grants","createdAt":"2026-01-01T00:00:00Z",
                  "lastUsedAt":"%s","nativeSessionId":null,"metadata":{}}]}
                """.formatted(StoreTestSupport.T0));
        try (JsonFileSessionStore store = new JsonFileSessionStore(dir, CLOCK)) {
            SessionService sessions = service(store);
            assertEquals(
                    "gw-old",
                    sessions.active(Principal.LOCAL, ProviderId.CLAUDE)
                            .orElseThrow()
                            .id());
            assertEquals(
                    "from before grants",
                    sessions.get(Principal.LOCAL, "gw-old").record().description());
            assertTrue(sessions.active(ALICE, ProviderId.CLAUDE).isEmpty());
            assertEquals(0, sessions.list(ALICE, Optional.empty(), 10, 0).total());
            assertFalse(
                    store.warnings().stream().anyMatch(w -> w.contains("corrupt")),
                    store.warnings().toString());
        }
    }
}
