package io.llmgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.ops.GatewayLaunch;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionStore;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.GatewayProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Session benchmark of issue 2 (not a test): spawns the shaded jar and times round trips through stdio.
 * Round trips are measured with a plain {@code java -jar} and with the JVM flags {@code setup} writes (without
 * its start-up archive, which only changes start-up). Run with {@code scripts/bench.sh sessions}; prints
 * Markdown rows for docs/PERFORMANCE.md.
 */
public final class SessionBenchmark {
    private static final int SPAWNS = 20;
    private static final int CALLS = 300;
    private static final int STEADY_AFTER = 2_000;

    public static void main(String[] args) throws Exception {
        System.out.println("| measurement | median ms | p99 ms | n |");
        System.out.println("|---|---|---|---|");
        startup();
        for (int size : new int[] {0, 10_000, 100_000}) {
            roundTrips(size, "plain", List.of());
            roundTrips(size, "setup flags", GatewayLaunch.FAST_START_FLAGS);
        }
        twoWriters();
        System.out.printf("%nidle RSS after start: %s%n", idleRss());
    }

    private static void startup() throws Exception {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < SPAWNS; i++) {
            Path dir = Files.createTempDirectory("bench-start");
            long t0 = System.nanoTime();
            try (GatewayProcess gw = GatewayProcess.start(dir, Map.of())) {
                gw.client.request(
                        "initialize",
                        Map.of(
                                "protocolVersion",
                                "2025-06-18",
                                "capabilities",
                                Map.of(),
                                "clientInfo",
                                Map.of("name", "bench", "version", "1")));
                samples.add(System.nanoTime() - t0);
            }
        }
        System.out.println(
                BenchStats.row("spawn → initialize response (plain java -jar)", BenchStats.ofNanos(samples)));
    }

    /**
     * Two windows of {@link #CALLS} iterations: right after start (after 50 warm-up calls), while the JIT
     * is still compiling the request path, which is what a freshly launched gateway's first calls see;
     * and in steady state, after {@link #STEADY_AFTER} more iterations.
     */
    private static void roundTrips(int storedSessions, String launch, List<String> jvmFlags) throws Exception {
        Path dir = Files.createTempDirectory("bench-rt");
        seed(dir, storedSessions);
        try (GatewayProcess gw = GatewayProcess.start(dir, Map.of(), jvmFlags)) {
            gw.client.initialize();
            String label = String.format("%,d stored, %s", storedSessions, launch);
            Phase early = new Phase();
            Phase steady = new Phase();
            int steadyFrom = 50 + CALLS + STEADY_AFTER;
            for (int i = 0; i < steadyFrom + CALLS; i++) {
                Phase phase = i >= 50 && i < 50 + CALLS ? early : i >= steadyFrom ? steady : null;
                long t0 = System.nanoTime();
                JsonNode r = gw.client.callTool("session_create", Map.of("cli", "claude", "setAsActive", false));
                long t1 = System.nanoTime();
                String id = r.get("structuredContent").get("session").get("id").asText();
                gw.client.callTool("session_get", Map.of("sessionId", id));
                long t2 = System.nanoTime();
                gw.client.callTool("session_set_active", Map.of("cli", "claude", "sessionId", id));
                long t3 = System.nanoTime();
                if (phase != null) {
                    phase.create.add(t1 - t0);
                    phase.get.add(t2 - t1);
                    phase.setActive.add(t3 - t2);
                    if (i % 10 == 0) {
                        gw.client.callTool("session_list", Map.of("limit", 100));
                        phase.list.add(System.nanoTime() - t3);
                    }
                }
            }
            early.print(label + ", first calls");
            steady.print(label + ", steady state");
        }
    }

    /** The round trips measured in one window. */
    private static final class Phase {
        final List<Long> create = new ArrayList<>();
        final List<Long> get = new ArrayList<>();
        final List<Long> setActive = new ArrayList<>();
        final List<Long> list = new ArrayList<>();

        void print(String label) {
            System.out.println(BenchStats.row("session_create, " + label, BenchStats.ofNanos(create)));
            System.out.println(BenchStats.row("session_get, " + label, BenchStats.ofNanos(get)));
            System.out.println(BenchStats.row("session_set_active, " + label, BenchStats.ofNanos(setActive)));
            System.out.println(BenchStats.row("session_list (limit 100), " + label, BenchStats.ofNanos(list)));
        }
    }

    /** Pre-populates through the store API in large transactions (format-agnostic, fast). */
    static void seed(Path dir, int count) {
        if (count == 0) {
            return;
        }
        try (SessionStore store = new JsonFileSessionStore(dir, Clock.systemUTC())) {
            Instant now = Instant.now();
            for (int done = 0; done < count; done += 10_000) {
                List<SessionChange> batch = new ArrayList<>();
                for (int i = done; i < Math.min(count, done + 10_000); i++) {
                    ProviderId cli = ProviderId.values()[i % ProviderId.values().length];
                    batch.add(new SessionChange.Put(new SessionRecord(
                            "gw-" + UUID.randomUUID(),
                            cli,
                            "seeded " + i,
                            now,
                            now.minusSeconds(i),
                            null,
                            Map.of(),
                            null)));
                }
                store.update(state -> new SessionStore.Transaction<>(batch, null));
            }
        }
    }

    private static void twoWriters() throws Exception {
        Path dir = Files.createTempDirectory("bench-two");
        int perProcess = 500;
        long t0 = System.nanoTime();
        List<CompletableFuture<List<String>>> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            writers.add(CompletableFuture.supplyAsync(() -> {
                List<String> acked = new ArrayList<>();
                try (GatewayProcess gw = GatewayProcess.start(dir, Map.of())) {
                    gw.client.initialize();
                    for (int i = 0; i < perProcess; i++) {
                        acked.add(gw.client
                                .callTool("session_create", Map.of("cli", "codex", "setAsActive", false))
                                .get("structuredContent")
                                .get("session")
                                .get("id")
                                .asText());
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return acked;
            }));
        }
        Set<String> acknowledged = new HashSet<>();
        for (CompletableFuture<List<String>> w : writers) {
            acknowledged.addAll(w.get());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Set<String> stored = new HashSet<>();
        try (GatewayProcess gw = GatewayProcess.start(dir, Map.of())) {
            gw.client.initialize();
            for (int offset = 0; offset < 2 * perProcess; offset += 1000) {
                for (JsonNode s : gw.client
                        .callTool("session_list", Map.of("limit", 1000, "offset", offset))
                        .get("structuredContent")
                        .get("sessions")) {
                    stored.add(s.get("id").asText());
                }
            }
        }
        acknowledged.removeAll(stored);
        System.out.printf(
                "%ntwo processes x %d creates: %.2f s wall incl. JVM start, %.0f creates/s, lost: %d%n",
                perProcess, seconds, 2 * perProcess / seconds, acknowledged.size());
    }

    private static String idleRss() throws Exception {
        Path dir = Files.createTempDirectory("bench-rss");
        try (GatewayProcess gw = GatewayProcess.start(dir, Map.of())) {
            gw.client.initialize();
            gw.client.callTool("session_list", Map.of());
            Thread.sleep(2000);
            for (String line : Files.readAllLines(Path.of("/proc/" + gw.process.pid() + "/status"))) {
                if (line.startsWith("VmRSS")) {
                    return line.replaceAll("\\s+", " ");
                }
            }
        }
        return "unknown";
    }
}
