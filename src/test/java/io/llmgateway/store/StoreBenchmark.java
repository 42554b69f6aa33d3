package io.llmgateway.store;

import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Microbenchmark of {@link JsonFileSessionStore} (not a test): median, p99 and max of an update
 * (a create: put + set active, fsync'd) and of a read (a get by id) with 0, 10,000 and 100,000
 * sessions already stored, plus a read right after another instance appended (the multi-process
 * case), the time the first call takes to load the files, and encoding / decoding a snapshot of
 * that many sessions in memory (the CPU side of a compaction and of a reload after another
 * process compacted). Run with {@code scripts/bench.sh store [scratch-dir]}.
 *
 * The scratch directory (default: a new temporary one) must be on the disk being measured; fsync
 * dominates the update figures.
 */
public final class StoreBenchmark {
    private static final int WARM_UP = 300;
    private static final int UPDATES = 1000;
    private static final int READS = 10_000;
    private static final int READS_AFTER_APPEND = 300;
    private static final int SNAPSHOT_ROUNDS = 5;

    private StoreBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path scratch = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("store-benchmark");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.printf("scratch directory: %s%n", scratch);
        out.printf("%9s  %-26s %10s %10s %10s%n", "sessions", "operation", "median ms", "p99 ms", "max ms");
        for (int existing : new int[] {0, 10_000, 100_000}) {
            Path dataDir = scratch.resolve("sessions-" + existing);
            try {
                measure(dataDir, existing, out);
            } finally {
                deleteRecursively(dataDir);
            }
        }
    }

    private static void measure(Path dataDir, int existing, PrintStream out) throws IOException {
        List<String> seeded = seed(dataDir, existing);
        Random random = new Random(42);
        try (JsonFileSessionStore store = new JsonFileSessionStore(dataDir, Clock.systemUTC());
                JsonFileSessionStore otherProcess = new JsonFileSessionStore(dataDir, Clock.systemUTC())) {
            long start = System.nanoTime();
            store.read(SessionState::size);
            report(out, existing, "load (first read)", new long[] {System.nanoTime() - start});

            List<String> ids = new ArrayList<>(seeded);
            for (int i = 0; i < WARM_UP; i++) {
                ids.add(StoreTestSupport.create(store, ProviderId.CLAUDE));
                get(store, ids.get(random.nextInt(ids.size())));
            }
            long[] updates = new long[UPDATES];
            for (int i = 0; i < UPDATES; i++) {
                long t = System.nanoTime();
                ids.add(StoreTestSupport.create(store, ProviderId.CLAUDE));
                updates[i] = System.nanoTime() - t;
            }
            report(out, existing, "update (create)", updates);

            long[] reads = new long[READS];
            for (int i = 0; i < READS; i++) {
                String id = ids.get(random.nextInt(ids.size()));
                long t = System.nanoTime();
                get(store, id);
                reads[i] = System.nanoTime() - t;
            }
            report(out, existing, "read (get)", reads);

            // The two instances stand in for two processes; they are used one at a time (see the store's docs).
            long[] readsAfterAppend = new long[READS_AFTER_APPEND];
            for (int i = 0; i < READS_AFTER_APPEND; i++) {
                String id = StoreTestSupport.create(otherProcess, ProviderId.CODEX);
                long t = System.nanoTime();
                get(store, id);
                readsAfterAppend[i] = System.nanoTime() - t;
            }
            report(out, existing, "read after other's append", readsAfterAppend);
            measureSnapshot(store, existing, out);
        }
    }

    /** What a compaction writes and what a reload after another process's compaction parses. */
    private static void measureSnapshot(JsonFileSessionStore store, int existing, PrintStream out) throws IOException {
        SessionFileFormat format = new SessionFileFormat();
        SessionState state = store.read(SessionState::copy);
        long[] writes = new long[SNAPSHOT_ROUNDS];
        long[] reads = new long[SNAPSHOT_ROUNDS];
        for (int i = 0; i < SNAPSHOT_ROUNDS; i++) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            long t = System.nanoTime();
            format.writeSnapshot(buffer, 1, state);
            writes[i] = System.nanoTime() - t;
            byte[] snapshot = buffer.toByteArray();
            t = System.nanoTime();
            try {
                format.readSnapshot(snapshot);
            } catch (MalformedStoreFileException e) {
                throw new IllegalStateException(e.getMessage());
            }
            reads[i] = System.nanoTime() - t;
        }
        report(out, existing, "snapshot encode (memory)", writes);
        report(out, existing, "snapshot decode (memory)", reads);
    }

    private static void get(JsonFileSessionStore store, String id) {
        if (store.read(state -> state.get(id)).isEmpty()) {
            throw new IllegalStateException("missing " + id);
        }
    }

    /** Writes a snapshot of {@code count} sessions directly: creating them one by one would take minutes. */
    private static List<String> seed(Path dataDir, int count) throws IOException {
        Files.createDirectories(dataDir);
        SessionState state = new SessionState();
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = StoreTestSupport.newId();
            state.apply(new SessionChange.Put(StoreTestSupport.record(id, ProviderId.values()[i % 7])));
            ids.add(id);
        }
        if (count > 0) {
            SessionFileFormat format = new SessionFileFormat();
            io.llmgateway.files.PrivateFiles.replaceAtomically(
                    dataDir.resolve(JsonFileSessionStore.SNAPSHOT_FILE), out -> format.writeSnapshot(out, 1, state));
        }
        return ids;
    }

    private static void report(PrintStream out, int existing, String operation, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        out.printf(
                "%9d  %-26s %10.3f %10.3f %10.3f%n",
                existing,
                operation,
                millis(sorted[sorted.length / 2]),
                millis(sorted[(int) Math.ceil(sorted.length * 0.99) - 1]),
                millis(sorted[sorted.length - 1]));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
