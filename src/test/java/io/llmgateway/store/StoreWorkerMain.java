package io.llmgateway.store;

import io.llmgateway.core.ProviderId;
import io.llmgateway.files.FileMutex;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionState;
import io.llmgateway.session.SessionStore.Transaction;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * A separate gateway-like process for the multi-process tests: creates sessions and deletes some of
 * them through the store, printing a line only after each update returned (i.e. was acknowledged).
 * Every transaction also increments a shared counter, so a lost update shows as a wrong count.
 *
 * <p>Arguments: data directory, number of operations (0: until killed), journal changes before
 * compaction, and optionally {@code wait} to print {@code ready} and start on a line from stdin.
 * Output: {@code created <id>}, {@code deleting <id>} (before the update) and {@code deleted <id>}.
 */
public final class StoreWorkerMain {
    static final String COUNTER_ID = "counter";

    private StoreWorkerMain() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        long operations = Long.parseLong(args[1]);
        int compactionMinChanges = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (JsonFileSessionStore store =
                new JsonFileSessionStore(dataDir, Clock.systemUTC(), compactionMinChanges, FileMutex.PATIENCE)) {
            if (args.length > 3 && args[3].equals("wait")) {
                out.println("ready");
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            Deque<String> mine = new ArrayDeque<>();
            for (long i = 0; operations == 0 || i < operations; i++) {
                if (i % 3 == 2) {
                    String id = mine.removeFirst();
                    out.println("deleting " + id);
                    store.update(state -> Transaction.of(null, new SessionChange.Delete(id), incrementCounter(state)));
                    out.println("deleted " + id);
                } else {
                    String id = StoreTestSupport.newId();
                    store.update(state -> Transaction.of(
                            null,
                            new SessionChange.Put(StoreTestSupport.record(id, ProviderId.CLAUDE)),
                            new SessionChange.SetActive(ProviderId.CLAUDE, id, null),
                            incrementCounter(state)));
                    mine.addLast(id);
                    out.println("created " + id);
                }
            }
        }
    }

    /** A change that adds one to the counter record (a read-modify-write, so it needs the latest state). */
    static SessionChange incrementCounter(SessionState state) {
        int next = counter(state) + 1;
        SessionRecord base = StoreTestSupport.record(COUNTER_ID, ProviderId.CODEX);
        return new SessionChange.Put(base.withMetadata(Map.of("count", Integer.toString(next))));
    }

    static int counter(SessionState state) {
        return state.get(COUNTER_ID)
                .map(r -> Integer.parseInt(r.metadata().get("count")))
                .orElse(0);
    }
}
