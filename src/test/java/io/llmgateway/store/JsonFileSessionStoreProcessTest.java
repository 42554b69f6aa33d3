package io.llmgateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.LockHolderMain;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several JVMs on one data directory, some of them killed with SIGKILL mid-stream. */
class JsonFileSessionStoreProcessTest {
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void concurrentProcessesNeverLoseAnUpdate() throws Exception {
        Path dataDir = dir.resolve("data");
        int operations = 45;
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                workers.add(new Worker(dataDir, dir.resolve("worker" + i + ".stderr"), operations, 5, true));
            }
            for (Worker worker : workers) {
                worker.awaitLines(1);
            }
            for (Worker worker : workers) {
                worker.start();
            }
            Set<String> created = new HashSet<>();
            Set<String> deleted = new HashSet<>();
            for (Worker worker : workers) {
                worker.awaitExit();
                created.addAll(worker.ids("created"));
                deleted.addAll(worker.ids("deleted"));
            }
            assertEquals(3 * operations, created.size() + deleted.size(), "every operation was acknowledged");

            Set<String> expected = new HashSet<>(created);
            expected.removeAll(deleted);
            expected.add(StoreWorkerMain.COUNTER_ID);
            try (JsonFileSessionStore store = new JsonFileSessionStore(dataDir, Clock.systemUTC())) {
                assertEquals(expected, StoreTestSupport.ids(store));
                assertEquals(
                        3 * operations,
                        store.read(StoreWorkerMain::counter),
                        "each transaction saw the previous one's counter");
                String active = store.read(state ->
                        state.activeId(Principal.LOCAL, ProviderId.CLAUDE).orElse(null));
                assertTrue(active == null || expected.contains(active), "the active pointer names a live session");
                assertEquals(List.of(), store.warnings());
            }
        } finally {
            workers.forEach(Worker::close);
        }
    }

    @Test
    void killedWritersNeverLoseAnAcknowledgedChange() throws Exception {
        Path dataDir = dir.resolve("data");
        Set<String> created = new HashSet<>();
        Set<String> deleting = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        int acknowledged = 0;
        int killed = 0;
        for (int round = 0; round < 3; round++) {
            List<Worker> workers = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    workers.add(new Worker(dataDir, dir.resolve("round" + round + "-" + i + ".stderr"), 0, 3, false));
                }
                // Kill one, let the other run on a little, then kill it too: different points each time.
                workers.get(0).awaitLines(4 + 5 * round);
                workers.get(0).kill();
                workers.get(1).awaitLines(workers.get(1).lineCount() + 3 + round);
                workers.get(1).kill();
                killed += 2;
                for (Worker worker : workers) {
                    created.addAll(worker.ids("created"));
                    deleting.addAll(worker.ids("deleting"));
                    deleted.addAll(worker.ids("deleted"));
                    acknowledged +=
                            worker.ids("created").size() + worker.ids("deleted").size();
                }
            } finally {
                workers.forEach(Worker::close);
            }

            Set<String> mustExist = new HashSet<>(created);
            mustExist.removeAll(deleting);
            try (JsonFileSessionStore store = new JsonFileSessionStore(dataDir, Clock.systemUTC())) {
                Set<String> ids = StoreTestSupport.ids(store);
                Set<String> missing = new HashSet<>(mustExist);
                missing.removeAll(ids);
                assertTrue(
                        missing.isEmpty(),
                        "round " + round + ": acknowledged creates are missing: " + missing + "; worker output: "
                                + workers.stream().map(Worker::lines).toList());
                assertTrue(deleted.stream().noneMatch(ids::contains), "round " + round + ": a deleted session is back");
                int counter = store.read(StoreWorkerMain::counter);
                assertTrue(
                        counter >= acknowledged && counter <= acknowledged + killed,
                        "round " + round + ": counter " + counter + " for " + acknowledged + " acknowledged updates");
                assertEquals(List.of(), store.warnings(), "a kill never leaves a damaged file");
            }
            try (Stream<Path> files = Files.list(dataDir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".corrupt-")));
            }
        }
    }

    @Test
    void aProcessStuckHoldingTheLockGetsNamedAndTheStoreRecovers() throws Exception {
        Path dataDir = dir.resolve("data");
        try (JsonFileSessionStore store = new JsonFileSessionStore(
                dataDir,
                Clock.systemUTC(),
                JsonFileSessionStore.DEFAULT_COMPACTION_MIN_CHANGES,
                Duration.ofMillis(300))) {
            String before = StoreTestSupport.create(store, ProviderId.CLAUDE);
            Process holder = LockHolderMain.holding(dataDir.resolve(JsonFileSessionStore.LOCK_FILE));
            try {
                GatewayException busy =
                        assertThrows(GatewayException.class, () -> StoreTestSupport.create(store, ProviderId.CLAUDE));
                assertEquals(ErrorCode.STORE_UNAVAILABLE, busy.code());
                assertTrue(busy.getMessage().contains("process " + holder.pid()), busy.getMessage());
                assertTrue(busy.getMessage().contains("kill -CONT"), busy.getMessage());
                assertThrows(GatewayException.class, () -> StoreTestSupport.ids(store), "reads wait for writers too");
            } finally {
                holder.getOutputStream().close();
                assertTrue(holder.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            String after = StoreTestSupport.create(store, ProviderId.CLAUDE);
            assertEquals(Set.of(before, after), StoreTestSupport.ids(store), "the refused create left nothing behind");
        }
    }

    /**
     * One worker JVM running {@link StoreWorkerMain}. Its stdout goes to a file, not a pipe: when a
     * process is killed the JDK drains and closes its stdout pipe on the reaper thread, racing a reader
     * thread, and lines the worker had written could vanish, making acknowledged changes look lost.
     */
    private static final class Worker implements AutoCloseable {
        private final Process process;
        private final Path stdout;
        private final Path stderr;

        Worker(Path dataDir, Path stderr, long operations, int compactionMinChanges, boolean waitForStart)
                throws IOException {
            this.stdout = stderr.resolveSibling(stderr.getFileName() + ".stdout");
            this.stderr = stderr;
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    StoreWorkerMain.class.getName(),
                    dataDir.toString(),
                    Long.toString(operations),
                    Integer.toString(compactionMinChanges),
                    waitForStart ? "wait" : "run");
            process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        }

        /** The complete lines printed so far (a line cut short by a kill does not count). */
        List<String> lines() {
            String text;
            try {
                text = Files.readString(stdout);
            } catch (IOException e) {
                return List.of();
            }
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
        }

        int lineCount() {
            return lines().size();
        }

        void awaitLines(int count) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (lineCount() < count) {
                if (!process.isAlive() && lineCount() < count) {
                    fail("worker exited with " + process.exitValue() + " after " + lines() + ": " + errors());
                }
                if (System.nanoTime() > deadline) {
                    fail("worker printed only " + lineCount() + " lines: " + errors());
                }
                Thread.sleep(5);
            }
        }

        void start() throws IOException {
            OutputStream in = process.getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        void awaitExit() throws Exception {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("worker did not finish: " + errors());
            }
            assertEquals(0, process.exitValue(), errors());
        }

        void kill() throws Exception {
            process.destroyForcibly();
            assertTrue(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "a killed worker exits");
        }

        /** Ids from the lines {@code <verb> <id>}. */
        Set<String> ids(String verb) {
            Set<String> ids = new HashSet<>();
            for (String line : lines()) {
                if (line.startsWith(verb + " ")) {
                    ids.add(line.substring(verb.length() + 1));
                }
            }
            return ids;
        }

        private String errors() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return "(no stderr: " + e.getMessage() + ")";
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
