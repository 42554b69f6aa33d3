package io.llmgateway.store;

import static io.llmgateway.store.StoreTestSupport.contents;
import static io.llmgateway.store.StoreTestSupport.create;
import static io.llmgateway.store.StoreTestSupport.delete;
import static io.llmgateway.store.StoreTestSupport.ids;
import static io.llmgateway.store.StoreTestSupport.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.files.FileMutex;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionState;
import io.llmgateway.session.SessionStore.Transaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonFileSessionStoreTest {
    private static final Clock CLOCK = Clock.fixed(StoreTestSupport.T0, ZoneOffset.UTC);
    private static final String QUARANTINE_SUFFIX = ".corrupt-20261122T040812Z";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonFileSessionStore open() {
        return new JsonFileSessionStore(dir, CLOCK);
    }

    private JsonFileSessionStore open(int compactionMinChanges) {
        return new JsonFileSessionStore(dir, CLOCK, compactionMinChanges, FileMutex.PATIENCE);
    }

    private Path snapshot() {
        return dir.resolve(JsonFileSessionStore.SNAPSHOT_FILE);
    }

    private Path journal() {
        return dir.resolve(JsonFileSessionStore.JOURNAL_FILE);
    }

    private List<String> journalLines() throws IOException {
        return Files.readAllLines(journal());
    }

    @Test
    void emptyDirectoryReadsAsNoSessions() {
        try (JsonFileSessionStore store = open()) {
            assertEquals(Map.of(), contents(store));
            assertEquals(List.of(), store.warnings());
        }
    }

    @Test
    void reopeningSeesEveryChange() {
        Map<String, Object> before;
        try (JsonFileSessionStore store = open()) {
            String claude = create(store, ProviderId.CLAUDE);
            String codex = create(store, ProviderId.CODEX);
            String gemini = create(store, ProviderId.GEMINI);
            create(store, ProviderId.MISTRAL);
            delete(store, gemini);
            store.update(state -> Transaction.of(
                    null,
                    new SessionChange.Put(state.get(claude)
                            .orElseThrow()
                            .withNativeSessionId("abc")
                            .withMetadata(Map.of("k", "v")))));
            store.update(state -> Transaction.of(null, new SessionChange.SetActive(ProviderId.CODEX, null, null)));
            before = contents(store);
            assertEquals(3, ids(store).size());
            assertFalse(before.containsKey("active:codex"), codex + " should no longer be active");
            assertFalse(before.containsKey("active:gemini"), "deleting the active session clears the pointer");
        }
        try (JsonFileSessionStore store = open()) {
            assertEquals(before, contents(store));
            assertEquals(
                    "abc",
                    store.read(state -> state.records().stream()
                            .filter(r -> r.cli() == ProviderId.CLAUDE)
                            .findFirst()
                            .orElseThrow()
                            .nativeSessionId()));
        }
    }

    @Test
    void snapshotAndJournalAreReadableJson() throws IOException {
        String id;
        try (JsonFileSessionStore store = open()) {
            id = create(store, ProviderId.MISTRAL);
            create(store, ProviderId.CLAUDE);
        }
        JsonNode snapshot = JSON.readTree(snapshot().toFile());
        assertEquals(1, snapshot.get("format").asInt());
        assertTrue(snapshot.get("generation").asLong() >= 1);
        JsonNode active = snapshot.get("active");
        assertEquals(ProviderId.wireNames().size(), active.size(), "every provider is listed");
        ProviderId.wireNames().forEach(name -> assertTrue(active.get(name).isNull(), name));
        assertTrue(snapshot.get("sessions").isArray());
        assertTrue(Files.readString(snapshot()).contains("\n  \"sessions\""), "pretty-printed for people");

        List<String> lines = journalLines();
        assertEquals(3, lines.size(), "a header, then one line per transaction");
        assertEquals(
                snapshot.get("generation").asLong(),
                JSON.readTree(lines.get(0)).get("generation").asLong());
        JsonNode changes = JSON.readTree(lines.get(1)).get("changes");
        assertEquals("put", changes.get(0).get("op").asText());
        JsonNode session = changes.get(0).get("session");
        assertEquals(
                List.of("id", "cli", "description", "createdAt", "lastUsedAt", "nativeSessionId", "metadata"),
                fieldNames(session));
        assertEquals(id, session.get("id").asText());
        assertEquals("mistral", session.get("cli").asText());
        assertEquals("2026-11-22T04:08:12Z", session.get("createdAt").asText());
        assertEquals("2026-11-22T04:09:12Z", session.get("lastUsedAt").asText());
        assertEquals(
                "/home/user/project", session.get("metadata").get("workingDir").asText());
        assertEquals("setActive", changes.get(1).get("op").asText());
        assertEquals("mistral", changes.get(1).get("cli").asText());
        assertEquals(id, changes.get(1).get("sessionId").asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void compactionKeepsEveryRecordAndActivePointer() throws IOException {
        SessionState expected = new SessionState();
        Map<String, Object> before;
        try (JsonFileSessionStore store = open(3)) {
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ProviderId cli = ProviderId.values()[i % ProviderId.values().length];
                SessionRecord record = record(StoreTestSupport.newId(), cli);
                List<SessionChange> changes =
                        List.of(new SessionChange.Put(record), new SessionChange.SetActive(cli, record.id(), null));
                store.update(state -> new Transaction<>(changes, null));
                changes.forEach(expected::apply);
                created.add(record.id());
                if (i % 4 == 3) {
                    SessionChange deletion = new SessionChange.Delete(created.remove(0));
                    store.update(state -> Transaction.of(null, deletion));
                    expected.apply(deletion);
                }
            }
            before = contents(store);
            assertEquals(contents(expected), before);
        }
        JsonNode snapshot = JSON.readTree(snapshot().toFile());
        assertTrue(snapshot.get("generation").asLong() > 2, "the journal was compacted several times");
        assertTrue(
                journalLines().size() <= 1 + 12,
                "the journal was folded into the snapshot: " + journalLines().size());
        try (JsonFileSessionStore store = open()) {
            assertEquals(before, contents(store));
        }
    }

    @Test
    void oneLargeTransactionCountsAsManyChangesForCompaction() throws IOException {
        List<SessionChange> puts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            puts.add(new SessionChange.Put(record(StoreTestSupport.newId(), ProviderId.CODEX)));
        }
        try (JsonFileSessionStore store = open(5)) {
            store.update(state -> new Transaction<>(puts, null));
            assertEquals(10, ids(store).size());
        }
        assertEquals(1, journalLines().size(), "compacted right away");
        assertEquals(10, JSON.readTree(snapshot().toFile()).get("sessions").size());
    }

    @Test
    void readsSeeChangesMadeThroughAnotherInstance() {
        // Two instances on one directory stand in for two processes (used one at a time: see class docs).
        try (JsonFileSessionStore first = open(3);
                JsonFileSessionStore second = open(3)) {
            String a = create(first, ProviderId.CLAUDE);
            assertEquals(Set.of(a), ids(second));
            String b = create(second, ProviderId.CLAUDE);
            assertEquals(Set.of(a, b), ids(first));
            List<String> more = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                more.add(create(second, ProviderId.CODEX));
            }
            Set<String> all = ids(second);
            assertEquals(12, all.size());
            assertEquals(all, ids(first), "first reloads after second compacted");
            String c = create(first, ProviderId.GEMINI);
            assertTrue(ids(second).contains(c), "an append after another instance's compaction is not lost");
            assertEquals(
                    more.get(9),
                    second.read(state ->
                            state.activeId(Principal.LOCAL, ProviderId.CODEX).orElseThrow()));
        }
        try (JsonFileSessionStore store = open()) {
            assertEquals(13, ids(store).size());
        }
    }

    @Test
    void journalLeftFromAnInterruptedCompactionIsIgnoredAndReplaced() throws IOException {
        Map<String, Object> before;
        byte[] oldJournal;
        try (JsonFileSessionStore store = open(8)) {
            for (int i = 0; i < 4; i++) {
                create(store, ProviderId.CLAUDE);
            }
            oldJournal = Files.readAllBytes(journal());
            create(store, ProviderId.CLAUDE);
            before = contents(store);
        }
        // The compaction renamed its new snapshot in, then crashed before renaming the new journal in.
        Files.write(journal(), oldJournal);
        String added;
        try (JsonFileSessionStore store = open(8)) {
            assertEquals(before, contents(store));
            added = create(store, ProviderId.CODEX);
        }
        assertFalse(Arrays.equals(oldJournal, Files.readAllBytes(journal())), "the stale journal was replaced");
        try (JsonFileSessionStore store = open(8)) {
            Map<String, Object> after = contents(store);
            assertTrue(after.containsKey(added));
            assertEquals(before.size() + 2, after.size(), "one record and the codex pointer were added");
            assertEquals(List.of(), store.warnings());
        }
    }

    @Test
    void incompleteLastJournalLineIsNotWrittenAndIsTruncatedBeforeTheNextAppend() throws IOException {
        String kept;
        try (JsonFileSessionStore store = open()) {
            kept = create(store, ProviderId.CLAUDE);
        }
        String cutShort = new String(Files.readAllBytes(journal()), StandardCharsets.UTF_8)
                .lines()
                .skip(1)
                .findFirst()
                .orElseThrow()
                .replace(kept, "gw-cut-short");
        Files.writeString(
                journal(), cutShort.substring(0, cutShort.length() / 2), java.nio.file.StandardOpenOption.APPEND);
        long damagedSize = Files.size(journal());
        String added;
        try (JsonFileSessionStore store = open()) {
            assertEquals(Set.of(kept), ids(store));
            assertEquals(damagedSize, Files.size(journal()), "a read does not modify the journal");
            added = create(store, ProviderId.CLAUDE);
            assertEquals(Set.of(kept, added), ids(store));
        }
        assertEquals(3, journalLines().size());
        assertFalse(Files.readString(journal()).contains("gw-cut-short"));
        try (JsonFileSessionStore store = open()) {
            assertEquals(Set.of(kept, added), ids(store));
            assertEquals(List.of(), store.warnings());
        }
    }

    @Test
    void journalTailOfNulBytesIsAnIncompleteWrite() throws IOException {
        String kept;
        try (JsonFileSessionStore store = open()) {
            kept = create(store, ProviderId.CLAUDE);
        }
        // What a power loss can leave: the size was extended, the data never reached the disk.
        Files.write(journal(), new byte[300], java.nio.file.StandardOpenOption.APPEND);
        try (JsonFileSessionStore store = open()) {
            assertEquals(Set.of(kept), ids(store));
            create(store, ProviderId.CLAUDE);
            assertEquals(List.of(), store.warnings());
        }
        assertFalse(Files.readString(journal()).contains("\0"));
    }

    static Stream<Arguments> damagedSnapshots() {
        String valid = """
                {"format":1,"generation":1,"active":{"claude":null},"sessions":[
                {"id":"gw-1","cli":"claude","description":"d","createdAt":"2026-11-22T04:08:12Z",
                 "lastUsedAt":"2026-11-22T04:08:12Z","nativeSessionId":null,"metadata":{}}]}
                """;
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("truncated", valid.substring(0, valid.length() / 2).getBytes(StandardCharsets.UTF_8)),
                Arguments.of("garbage", "this is not json {{{".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("trailing garbage", (valid + "xyz").getBytes(StandardCharsets.UTF_8)),
                Arguments.of("array", "[]".getBytes(StandardCharsets.UTF_8)),
                Arguments.of(
                        "no sessions",
                        "{\"format\":1,\"generation\":1,\"active\":{}}".getBytes(StandardCharsets.UTF_8)),
                Arguments.of(
                        "record missing a field",
                        valid.replace("\"createdAt\":\"2026-11-22T04:08:12Z\",", "")
                                .getBytes(StandardCharsets.UTF_8)),
                Arguments.of(
                        "bad timestamp",
                        valid.replace("\"createdAt\":\"2026-11-22T04:08:12Z\"", "\"createdAt\":\"yesterday\"")
                                .getBytes(StandardCharsets.UTF_8)),
                Arguments.of(
                        "unknown provider in a record",
                        valid.replace("\"cli\":\"claude\"", "\"cli\":\"bard\"").getBytes(StandardCharsets.UTF_8)),
                Arguments.of(
                        "unknown provider in active",
                        valid.replace("{\"claude\":null}", "{\"bard\":null}").getBytes(StandardCharsets.UTF_8)),
                Arguments.of("NUL bytes only", new byte[4096]),
                Arguments.of(
                        "NUL bytes inside", valid.replace("\"d\"", "\"\0\0\"").getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedSnapshots")
    void damagedSnapshotIsMovedAsideUnchangedAndTheStoreCarriesOn(String name, byte[] damaged) throws IOException {
        Files.write(snapshot(), damaged);
        Path quarantined = dir.resolve(JsonFileSessionStore.SNAPSHOT_FILE + QUARANTINE_SUFFIX);
        try (JsonFileSessionStore store = open()) {
            assertEquals(Map.of(), contents(store));
            assertArrayEquals(damaged, Files.readAllBytes(quarantined), "the damaged file keeps its bytes");
            assertEquals(1, store.warnings().size());
            String warning = store.warnings().get(0);
            assertTrue(warning.startsWith("sessions.json is damaged ("), warning);
            assertTrue(warning.contains(quarantined.toString()), warning);
            assertTrue(JSON.readTree(snapshot().toFile()).get("sessions").isArray(), "a valid snapshot replaced it");
            String id = create(store, ProviderId.CLAUDE);
            assertEquals(Set.of(id), ids(store));
        }
        try (JsonFileSessionStore store = open()) {
            assertEquals(1, ids(store).size());
            assertEquals(List.of(), store.warnings(), "nothing is left to quarantine");
        }
    }

    @Test
    void damagedSnapshotKeepsTheChangesInAValidJournal() throws IOException {
        Set<String> created;
        try (JsonFileSessionStore store = open()) {
            created = Set.of(create(store, ProviderId.CLAUDE), create(store, ProviderId.CODEX));
        }
        Files.writeString(snapshot(), "{\"garbage");
        try (JsonFileSessionStore store = open()) {
            assertEquals(created, ids(store));
            assertEquals(1, store.warnings().size());
        }
    }

    @Test
    void quarantineNameGetsASuffixWhenTaken() throws IOException {
        Path taken = dir.resolve(JsonFileSessionStore.SNAPSHOT_FILE + QUARANTINE_SUFFIX);
        Files.writeString(taken, "earlier");
        Files.writeString(snapshot(), "[1]");
        try (JsonFileSessionStore store = open()) {
            store.read(SessionState::size);
        }
        assertEquals("earlier", Files.readString(taken));
        assertEquals("[1]", Files.readString(dir.resolve(taken.getFileName() + "-1")));
    }

    @Test
    void journalDamagedInTheMiddleIsMovedAsideAndEveryValidLineKept() throws IOException {
        String first;
        String second;
        try (JsonFileSessionStore store = open()) {
            first = create(store, ProviderId.CLAUDE);
            second = create(store, ProviderId.CODEX);
        }
        List<String> lines = journalLines();
        List<String> damagedLines = new ArrayList<>(lines);
        damagedLines.add(2, "{\"changes\":[{\"op\":\"explode\"}]}");
        Files.write(journal(), damagedLines);
        byte[] damaged = Files.readAllBytes(journal());
        Path quarantined = dir.resolve(JsonFileSessionStore.JOURNAL_FILE + QUARANTINE_SUFFIX);
        try (JsonFileSessionStore store = open()) {
            assertEquals(
                    Set.of(first, second), ids(store), "the valid lines before and after the damaged one are kept");
            assertEquals(
                    first,
                    store.read(state ->
                            state.activeId(Principal.LOCAL, ProviderId.CLAUDE).orElseThrow()));
            assertArrayEquals(damaged, Files.readAllBytes(quarantined));
            assertEquals(1, store.warnings().size());
            assertTrue(
                    store.warnings().get(0).startsWith("sessions.journal.jsonl is damaged (line 3: "),
                    store.warnings().get(0));
            assertEquals(1, journalLines().size(), "a fresh journal");
        }
        try (JsonFileSessionStore store = open()) {
            assertEquals(Set.of(first, second), ids(store), "the kept lines were written into the new snapshot");
            assertEquals(List.of(), store.warnings());
        }
    }

    /** Journals overwritten as a whole: what is left of the bytes, from the valid journal's lines. */
    static Stream<Arguments> journalsDamagedAsAWhole() {
        return Stream.of(
                Arguments.of(
                        "garbage", (Damage) lines -> "this is not a journal".getBytes(StandardCharsets.UTF_8), false),
                Arguments.of("empty", (Damage) lines -> new byte[0], false),
                Arguments.of("an empty array", (Damage) lines -> "[]".getBytes(StandardCharsets.UTF_8), false),
                Arguments.of("an empty array line", (Damage) lines -> "[]\n".getBytes(StandardCharsets.UTF_8), false),
                Arguments.of(
                        "the wrong shape",
                        (Damage) lines -> "{\"sessions\":[]}\n".getBytes(StandardCharsets.UTF_8),
                        false),
                Arguments.of("NUL bytes", (Damage) lines -> new byte[4096], false),
                Arguments.of(
                        "no newline", (Damage) lines -> String.join("", lines).getBytes(StandardCharsets.UTF_8), true),
                Arguments.of(
                        "no header",
                        (Damage) lines -> String.join("\n", lines.subList(1, lines.size()))
                                .getBytes(StandardCharsets.UTF_8),
                        true));
    }

    /** Makes the damaged content from the valid journal's lines. */
    interface Damage {
        byte[] of(List<String> lines);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("journalsDamagedAsAWhole")
    void journalDamagedAsAWholeIsMovedAsideWithAWarningAndWhatCanBeReadIsKept(
            String name, Damage damage, boolean journaledRecoverable) throws IOException {
        Set<String> compacted = new java.util.TreeSet<>();
        String journaled;
        try (JsonFileSessionStore store = open(2)) {
            compacted.add(create(store, ProviderId.CLAUDE));
            compacted.add(create(store, ProviderId.CODEX)); // crosses the threshold: both are in the snapshot now
            journaled = create(store, ProviderId.GEMINI);
        }
        assertTrue(Files.readString(journal()).contains(journaled), "the last session is only in the journal");
        byte[] damaged = damage.of(journalLines());
        Files.write(journal(), damaged);
        Path quarantined = dir.resolve(JsonFileSessionStore.JOURNAL_FILE + QUARANTINE_SUFFIX);
        Set<String> expected = new java.util.TreeSet<>(compacted);
        if (journaledRecoverable) {
            expected.add(journaled);
        }
        try (JsonFileSessionStore store = open(2)) {
            assertEquals(expected, ids(store), "every record that can be read is kept");
            assertArrayEquals(damaged, Files.readAllBytes(quarantined), "the damaged bytes are kept aside");
            assertEquals(1, store.warnings().size(), store.warnings().toString());
            String warning = store.warnings().get(0);
            assertTrue(warning.startsWith("sessions.journal.jsonl is damaged ("), warning);
            assertTrue(warning.contains(quarantined.toString()), warning);
            String added = create(store, ProviderId.CLAUDE);
            expected.add(added);
            assertEquals(expected, ids(store), "the store keeps serving");
        }
        try (JsonFileSessionStore store = open(2)) {
            assertEquals(expected, ids(store), "what was recovered is durable");
            assertEquals(List.of(), store.warnings(), "nothing is left to quarantine");
        }
    }

    @Test
    void journalWithADamagedHeaderIsMovedAside() throws IOException {
        Files.writeString(journal(), "\0\0garbage\n{\"changes\":[]}\n");
        try (JsonFileSessionStore store = open()) {
            assertEquals(Map.of(), contents(store));
            assertTrue(Files.exists(dir.resolve(JsonFileSessionStore.JOURNAL_FILE + QUARANTINE_SUFFIX)));
            assertTrue(
                    store.warnings().get(0).contains("(line 1: "),
                    store.warnings().get(0));
            create(store, ProviderId.CLAUDE);
        }
    }

    @Test
    void damageFoundByAReadIsHandledByThatRead() throws IOException {
        try (JsonFileSessionStore reader = open();
                JsonFileSessionStore writer = open()) {
            create(writer, ProviderId.CLAUDE);
            assertEquals(1, ids(reader).size());
            Files.writeString(journal(), "not json\n", java.nio.file.StandardOpenOption.APPEND);
            assertEquals(1, ids(reader).size());
            assertEquals(1, reader.warnings().size());
            assertEquals(1, ids(writer).size());
        }
    }

    @Test
    void filesArePrivateToTheUser() throws IOException {
        Path nested = dir.resolve("home").resolve(".llm-cli-gateway");
        try (JsonFileSessionStore store = new JsonFileSessionStore(nested, CLOCK, 2, FileMutex.PATIENCE)) {
            for (int i = 0; i < 4; i++) {
                create(store, ProviderId.CLAUDE);
            }
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
        for (String file : List.of(
                JsonFileSessionStore.SNAPSHOT_FILE,
                JsonFileSessionStore.JOURNAL_FILE,
                JsonFileSessionStore.LOCK_FILE)) {
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve(file))),
                    file);
        }
        try (Stream<Path> files = Files.list(nested)) {
            assertEquals(3, files.count(), "no temporary files are left behind");
        }
    }

    @Test
    void storeUnavailableWhileTheDirectoryCannotBeCreatedThenRecovers() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a regular file where a directory should be");
        Path dataDir = blocker.resolve("data");
        try (JsonFileSessionStore store = new JsonFileSessionStore(dataDir, CLOCK)) {
            GatewayException failure = assertThrows(GatewayException.class, () -> create(store, ProviderId.CLAUDE));
            assertEquals(ErrorCode.STORE_UNAVAILABLE, failure.code());
            assertTrue(failure.getMessage().contains(dataDir.toString()), failure.getMessage());
            assertEquals(
                    ErrorCode.STORE_UNAVAILABLE,
                    assertThrows(GatewayException.class, () -> ids(store)).code());

            Files.delete(blocker);
            String id = create(store, ProviderId.CLAUDE);
            assertEquals(Set.of(id), ids(store));
        }
    }

    @Test
    void storeUnavailableWhenAStoreFileCannotBeRead() throws IOException {
        Files.createDirectory(snapshot());
        try (JsonFileSessionStore store = open()) {
            GatewayException failure = assertThrows(GatewayException.class, () -> ids(store));
            assertEquals(ErrorCode.STORE_UNAVAILABLE, failure.code());
            assertTrue(failure.getMessage().contains(snapshot().toString()), failure.getMessage());
            Files.delete(snapshot());
            assertEquals(Set.of(), ids(store));
        }
    }

    @Test
    void storeUnavailableInAReadOnlyDirectory() throws IOException {
        Assumptions.assumeFalse(
                "root".equals(System.getProperty("user.name")),
                "running as root, where directory permissions do not stop writes");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        try (JsonFileSessionStore store = open()) {
            GatewayException failure = assertThrows(GatewayException.class, () -> create(store, ProviderId.CLAUDE));
            assertEquals(ErrorCode.STORE_UNAVAILABLE, failure.code());
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            create(store, ProviderId.CLAUDE);
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void failedTransactionWritesNothingAndEmptyOneDoesNotTouchTheJournal() throws IOException {
        try (JsonFileSessionStore store = open()) {
            create(store, ProviderId.CLAUDE);
            long size = Files.size(journal());
            assertThrows(
                    GatewayException.class,
                    () -> store.update(state -> {
                        throw GatewayException.invalidArgument("no");
                    }));
            assertEquals("unchanged", store.update(state -> Transaction.of("unchanged")));
            assertEquals(size, Files.size(journal()));
            assertEquals(1, ids(store).size());
        }
    }

    @Test
    void nestedCallsAreRejected() {
        try (JsonFileSessionStore store = open()) {
            assertThrows(IllegalStateException.class, () -> store.read(state -> ids(store)));
        }
    }

    @Test
    void concurrentUpdatesInOneProcessAreSerialised() throws Exception {
        int threads = 4;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (JsonFileSessionStore store = open(10)) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.update(state -> Transaction.of(null, StoreWorkerMain.incrementCounter(state)));
                        create(store, ProviderId.CODEX);
                        ids(store);
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            assertEquals(threads * perThread + 1, ids(store).size());
            assertEquals(threads * perThread, store.read(StoreWorkerMain::counter));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedStoreRefusesCalls() {
        JsonFileSessionStore store = open();
        store.close();
        assertThrows(IllegalStateException.class, () -> ids(store));
    }
}
