package io.llmgateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionServiceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final SessionService service = new SessionService(new InMemorySessionStore(), clock, Duration.ofDays(30));

    @Test
    void createsGatewayIdsWithDefaultDescriptionAndActivePointer() {
        SessionService.SessionView view = service.create(Principal.LOCAL, ProviderId.CODEX, null, true);
        assertTrue(view.record().id().matches("gw-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        assertEquals("Codex session", view.record().description());
        assertTrue(view.active());
        assertEquals(
                view.record().id(),
                service.active(Principal.LOCAL, ProviderId.CODEX).orElseThrow().id());
        assertNull(view.record().nativeSessionId());
    }

    @Test
    void createWithoutActivatingLeavesPointerAlone() {
        String first = service.create(Principal.LOCAL, ProviderId.CLAUDE, "first", true)
                .record()
                .id();
        SessionService.SessionView second = service.create(Principal.LOCAL, ProviderId.CLAUDE, "second", false);
        assertFalse(second.active());
        assertEquals(
                first,
                service.active(Principal.LOCAL, ProviderId.CLAUDE).orElseThrow().id());
    }

    @Test
    void onlyOneActiveSessionPerProvider() {
        String a = service.create(Principal.LOCAL, ProviderId.CLAUDE, "a", true)
                .record()
                .id();
        String b = service.create(Principal.LOCAL, ProviderId.CLAUDE, "b", true)
                .record()
                .id();
        assertFalse(service.get(Principal.LOCAL, a).active());
        assertTrue(service.get(Principal.LOCAL, b).active());
        SessionService.ActiveChange change = service.setActive(Principal.LOCAL, ProviderId.CLAUDE, a);
        assertEquals(b, change.previousActiveSessionId());
        assertEquals(a, change.activeSessionId());
    }

    @Test
    void setActiveRejectsOtherProvidersSessions() {
        String gemini = service.create(Principal.LOCAL, ProviderId.GEMINI, null, false)
                .record()
                .id();
        GatewayException e = assertThrows(
                GatewayException.class, () -> service.setActive(Principal.LOCAL, ProviderId.CLAUDE, gemini));
        assertEquals(ErrorCode.PROVIDER_MISMATCH, e.code());
        assertTrue(service.active(Principal.LOCAL, ProviderId.CLAUDE).isEmpty());
    }

    @Test
    void setActiveRejectsUnknownAndAcceptsNull() {
        assertEquals(
                ErrorCode.SESSION_NOT_FOUND,
                assertThrows(
                                GatewayException.class,
                                () -> service.setActive(Principal.LOCAL, ProviderId.CLAUDE, "gw-missing"))
                        .code());
        service.create(Principal.LOCAL, ProviderId.CLAUDE, null, true);
        SessionService.ActiveChange cleared = service.setActive(Principal.LOCAL, ProviderId.CLAUDE, null);
        assertNull(cleared.activeSessionId());
        assertTrue(service.active(Principal.LOCAL, ProviderId.CLAUDE).isEmpty());
    }

    @Test
    void deletingTheActiveSessionClearsThePointerWithoutPromotingAnother() {
        String older = service.create(Principal.LOCAL, ProviderId.CLAUDE, "older", true)
                .record()
                .id();
        String active = service.create(Principal.LOCAL, ProviderId.CLAUDE, "active", true)
                .record()
                .id();
        SessionService.Deletion deletion = service.delete(Principal.LOCAL, active);
        assertTrue(deletion.wasActive());
        assertTrue(service.active(Principal.LOCAL, ProviderId.CLAUDE).isEmpty());
        assertFalse(service.get(Principal.LOCAL, older).active());
        assertEquals(
                ErrorCode.SESSION_NOT_FOUND,
                assertThrows(GatewayException.class, () -> service.get(Principal.LOCAL, active))
                        .code());
    }

    @Test
    void sessionsExpireAfterTtlWithoutUseAndExpiryClearsThePointer() {
        String id = service.create(Principal.LOCAL, ProviderId.CLAUDE, null, true)
                .record()
                .id();
        clock.advance(Duration.ofDays(30));
        assertEquals(id, service.get(Principal.LOCAL, id).record().id(), "exactly at the TTL it is still alive");
        clock.advance(Duration.ofMinutes(1));
        GatewayException e = assertThrows(GatewayException.class, () -> service.get(Principal.LOCAL, id));
        assertEquals(ErrorCode.SESSION_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("expired"));
        assertTrue(service.active(Principal.LOCAL, ProviderId.CLAUDE).isEmpty());
        assertEquals(0, service.list(Principal.LOCAL, Optional.empty(), 100, 0).total());
        assertEquals(
                ErrorCode.SESSION_NOT_FOUND,
                assertThrows(GatewayException.class, () -> service.setActive(Principal.LOCAL, ProviderId.CLAUDE, id))
                        .code());
        assertEquals(1, service.purgeExpired());
    }

    @Test
    void ensureCreatesASessionUnderTheGivenIdOrMergesIntoTheExistingOne() {
        String id = SessionService.newId();
        SessionRecord created = service.ensure(Principal.LOCAL, ProviderId.CODEX, id, Map.of("worktreePath", "/w"));
        assertEquals(id, created.id());
        assertEquals(
                Map.of("worktreePath", "/w"),
                service.get(Principal.LOCAL, id).record().metadata());
        assertFalse(service.get(Principal.LOCAL, id).active(), "not made active");
        service.ensure(Principal.LOCAL, ProviderId.CODEX, id, Map.of("workspaceAlias", "app"));
        assertEquals(
                Map.of("worktreePath", "/w", "workspaceAlias", "app"),
                service.get(Principal.LOCAL, id).record().metadata());
        assertEquals(1, service.list(Principal.LOCAL, Optional.empty(), 100, 0).total());
        assertEquals(
                ErrorCode.PROVIDER_MISMATCH,
                assertThrows(
                                GatewayException.class,
                                () -> service.ensure(Principal.LOCAL, ProviderId.CLAUDE, id, Map.of()))
                        .code());
    }

    @Test
    void ensureOfAnotherGrantsSessionIsNotFoundAndChangesNothing() {
        String id = service.create(Principal.LOCAL, ProviderId.CODEX, null, false)
                .record()
                .id();
        Principal other = new Principal("ci");
        assertEquals(
                ErrorCode.SESSION_NOT_FOUND,
                assertThrows(
                                GatewayException.class,
                                () -> service.ensure(other, ProviderId.CODEX, id, Map.of("worktreePath", "/w")))
                        .code());
        assertEquals(Map.of(), service.get(Principal.LOCAL, id).record().metadata());
        String own = SessionService.newId();
        service.ensure(other, ProviderId.CODEX, own, Map.of());
        assertEquals(
                0,
                service.list(Principal.LOCAL, Optional.empty(), 100, 0).sessions().stream()
                        .filter(v -> v.record().id().equals(own))
                        .count(),
                "the new record is the grant's");
        assertEquals(own, service.get(other, own).record().id());
    }

    @Test
    void clearAllReturnsTheDeletedRecords() {
        String a = service.create(Principal.LOCAL, ProviderId.CLAUDE, null, true)
                .record()
                .id();
        service.create(Principal.LOCAL, ProviderId.CODEX, null, true);
        assertEquals(
                java.util.List.of(a),
                service.clearAll(Principal.LOCAL, Optional.of(ProviderId.CLAUDE)).deleted().stream()
                        .map(SessionRecord::id)
                        .toList());
    }

    @Test
    void clearAllIsScopedToOneProviderWhenAsked() {
        service.create(Principal.LOCAL, ProviderId.CLAUDE, null, true);
        service.create(Principal.LOCAL, ProviderId.CLAUDE, null, false);
        String codex = service.create(Principal.LOCAL, ProviderId.CODEX, null, true)
                .record()
                .id();
        assertEquals(
                2,
                service.clearAll(Principal.LOCAL, Optional.of(ProviderId.CLAUDE))
                        .liveCount());
        assertTrue(service.active(Principal.LOCAL, ProviderId.CLAUDE).isEmpty());
        assertEquals(
                codex,
                service.active(Principal.LOCAL, ProviderId.CODEX).orElseThrow().id());
        assertEquals(1, service.list(Principal.LOCAL, Optional.empty(), 100, 0).total());
        assertEquals(1, service.clearAll(Principal.LOCAL, Optional.empty()).liveCount());
        assertEquals(0, service.list(Principal.LOCAL, Optional.empty(), 100, 0).total());
        assertTrue(service.active(Principal.LOCAL, ProviderId.CODEX).isEmpty());
    }

    @Test
    void listIsNewestUsedFirstWithTotalAndPaging() {
        for (int i = 0; i < 5; i++) {
            service.create(Principal.LOCAL, ProviderId.CLAUDE, "s" + i, false);
            clock.advance(Duration.ofSeconds(1));
        }
        service.create(Principal.LOCAL, ProviderId.CODEX, "other", false);
        SessionService.SessionPage page = service.list(Principal.LOCAL, Optional.of(ProviderId.CLAUDE), 2, 1);
        assertEquals(5, page.total());
        assertEquals(2, page.sessions().size());
        assertEquals("s3", page.sessions().get(0).record().description());
        assertEquals("s2", page.sessions().get(1).record().description());
        assertEquals(
                0,
                service.list(Principal.LOCAL, Optional.empty(), 10, 50)
                        .sessions()
                        .size());
    }

    @Test
    void rejectsBadIdsAndDescriptions() {
        for (String bad : new String[] {"", "has space", "semi;colon", "x".repeat(129), "nul\0byte"}) {
            assertEquals(
                    ErrorCode.INVALID_ARGUMENT,
                    assertThrows(GatewayException.class, () -> service.get(Principal.LOCAL, bad))
                            .code(),
                    bad);
        }
        assertEquals(
                ErrorCode.SESSION_NOT_FOUND,
                assertThrows(
                                GatewayException.class,
                                () -> service.get(Principal.LOCAL, "gw-ok.1:2_3-4" + "a".repeat(115)))
                        .code(),
                "128 characters of the allowed set are a well-formed id");
        assertEquals(
                ErrorCode.INVALID_ARGUMENT,
                assertThrows(
                                GatewayException.class,
                                () -> service.create(Principal.LOCAL, ProviderId.CLAUDE, "d".repeat(1001), true))
                        .code());
        assertEquals(
                "d".repeat(1000),
                service.create(Principal.LOCAL, ProviderId.CLAUDE, "d".repeat(1000), true)
                        .record()
                        .description());
    }

    @Test
    void recordRunStoresNativeIdLastUseAndMergedMetadata() {
        String id = service.create(Principal.LOCAL, ProviderId.CLAUDE, null, false)
                .record()
                .id();
        service.recordRun(Principal.LOCAL, id, null, Map.of("workingDir", "/w", "keep", "1"))
                .orElseThrow();
        clock.advance(Duration.ofMinutes(5));
        Map<String, String> update = new HashMap<>();
        update.put("workingDir", "/other");
        update.put("keep", null);
        SessionService.RecordedRun run =
                service.recordRun(Principal.LOCAL, id, "native-1", update).orElseThrow();
        assertEquals(Map.of("workingDir", "/w", "keep", "1"), run.before().metadata());
        assertNull(run.before().nativeSessionId());
        SessionRecord after = service.get(Principal.LOCAL, id).record();
        assertEquals(after, run.after());
        assertEquals("native-1", after.nativeSessionId());
        assertEquals(Map.of("workingDir", "/other"), after.metadata(), "a null value removes the key");
        assertEquals(clock.instant(), after.lastUsedAt());
        assertFalse(service.get(Principal.LOCAL, id).active(), "recording a run never activates a session");

        service.recordRun(Principal.LOCAL, id, null, Map.of());
        assertEquals(
                "native-1",
                service.get(Principal.LOCAL, id).record().nativeSessionId(),
                "a null native id keeps the known one");
    }

    @Test
    void recordRunOnADeletedOrExpiredSessionIsEmpty() {
        String deleted = service.create(Principal.LOCAL, ProviderId.CODEX, null, false)
                .record()
                .id();
        service.delete(Principal.LOCAL, deleted);
        assertTrue(service.recordRun(Principal.LOCAL, deleted, "t", Map.of()).isEmpty());
        String expired = service.create(Principal.LOCAL, ProviderId.CODEX, null, false)
                .record()
                .id();
        clock.advance(Duration.ofDays(31));
        assertTrue(service.recordRun(Principal.LOCAL, expired, "t", Map.of()).isEmpty());
    }

    @Test
    void recordRunForNativeIdFindsTheMappingRecordOrCreatesAnInactiveOne() {
        String active = service.create(Principal.LOCAL, ProviderId.GEMINI, null, true)
                .record()
                .id();
        SessionService.RecordedRun created =
                service.recordRunForNativeId(Principal.LOCAL, ProviderId.GEMINI, "n-1", Map.of("k", "v"));
        assertNull(created.before());
        assertEquals("n-1", created.after().nativeSessionId());
        assertEquals("Gemini session", created.after().description());
        assertEquals(
                active,
                service.active(Principal.LOCAL, ProviderId.GEMINI).orElseThrow().id(),
                "new records are not made active");
        assertEquals(
                created.after().id(),
                service.findByNativeId(Principal.LOCAL, ProviderId.GEMINI, "n-1")
                        .orElseThrow()
                        .id());

        clock.advance(Duration.ofSeconds(1));
        SessionService.RecordedRun again =
                service.recordRunForNativeId(Principal.LOCAL, ProviderId.GEMINI, "n-1", Map.of());
        assertEquals(created.after(), again.before());
        assertEquals(created.after().id(), again.after().id());
        assertEquals(Map.of("k", "v"), again.after().metadata());
        assertEquals(
                2,
                service.list(Principal.LOCAL, Optional.of(ProviderId.GEMINI), 10, 0)
                        .total());

        assertTrue(
                service.findByNativeId(Principal.LOCAL, ProviderId.CLAUDE, "n-1")
                        .isEmpty(),
                "native ids are per provider");
        SessionService.RecordedRun unknown =
                service.recordRunForNativeId(Principal.LOCAL, ProviderId.GEMINI, null, Map.of());
        assertNull(unknown.before());
        assertNull(unknown.after().nativeSessionId());
        assertEquals(
                3,
                service.list(Principal.LOCAL, Optional.of(ProviderId.GEMINI), 10, 0)
                        .total(),
                "no native id: always a new record");
    }

    @Test
    void findByNativeIdPrefersTheMostRecentlyUsedLiveRecord() {
        String older = service.create(Principal.LOCAL, ProviderId.CODEX, null, false)
                .record()
                .id();
        service.recordRun(Principal.LOCAL, older, "thread", Map.of());
        clock.advance(Duration.ofSeconds(1));
        String newer = service.create(Principal.LOCAL, ProviderId.CODEX, null, false)
                .record()
                .id();
        service.recordRun(Principal.LOCAL, newer, "thread", Map.of());
        assertEquals(
                newer,
                service.findByNativeId(Principal.LOCAL, ProviderId.CODEX, "thread")
                        .orElseThrow()
                        .id());
        clock.advance(Duration.ofDays(31));
        assertTrue(
                service.findByNativeId(Principal.LOCAL, ProviderId.CODEX, "thread")
                        .isEmpty(),
                "expired records are invisible");
    }

    @Test
    void aNativeIdIsStoredOnlyIfACallerCouldHaveSentIt() {
        String id = service.create(Principal.LOCAL, ProviderId.CODEX, null, false)
                .record()
                .id();
        for (String bad : new String[] {"--dangerously-bypass-approvals-and-sandbox", "-x", "a b", "x".repeat(129)}) {
            assertEquals(
                    ErrorCode.INVALID_ARGUMENT,
                    assertThrows(GatewayException.class, () -> service.recordRun(Principal.LOCAL, id, bad, Map.of()))
                            .code(),
                    bad);
            assertEquals(
                    ErrorCode.INVALID_ARGUMENT,
                    assertThrows(
                                    GatewayException.class,
                                    () -> service.recordRunForNativeId(
                                            Principal.LOCAL, ProviderId.CODEX, bad, Map.of()))
                            .code(),
                    bad);
        }
        assertTrue(service.recordRun(Principal.LOCAL, id, "019a-thread.1:x", Map.of())
                .isPresent());
    }
}
