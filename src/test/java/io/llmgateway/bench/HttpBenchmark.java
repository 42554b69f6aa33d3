package io.llmgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.HttpGatewayProcess;
import io.llmgateway.support.HttpMcp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The HTTP transport's benchmark (issue 12; not a test): session_get and session_create round trips over
 * Streamable HTTP with 1, 8 and 32 concurrent clients (each its own connection and MCP session, one grant), the
 * same calls over stdio with as many requests in flight on one pipe, and the HTTP server's idle resident memory.
 * Both spawn the shaded jar with a plain {@code java -jar}. Run with {@code scripts/bench.sh http [rounds]}; prints
 * Markdown rows for docs/PERFORMANCE.md.
 */
public final class HttpBenchmark {
    private static final int[] CLIENTS = {1, 8, 32};
    private static final int WARMUP_CALLS = 3_000;
    private static final int CALLS = 6_000;
    private static final ObjectMapper MAPPER = Json.newMapper();

    /** One client's way to make a call; returns when the answer is in. */
    private interface Caller {
        void call(String tool, Map<String, Object> arguments) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        System.out.println("| transport | tool | clients | p50 ms | p99 ms | calls/s | round |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int round = 1; round <= rounds; round++) {
            http(round);
            stdio(round);
        }
        System.out.printf("%nHTTP server idle RSS after start and one call: %s%n", idleRss());
    }

    private static void http(int round) throws Exception {
        Path dir = Files.createTempDirectory("bench-http");
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "LLM_GATEWAY_HOME", dir.toString());
        String token = HttpGatewayProcess.addGrant(env, "bench");
        try (HttpGatewayProcess gw = HttpGatewayProcess.start(env)) {
            List<HttpMcp> clients = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                HttpMcp client = new HttpMcp(gw.url, token);
                client.initialize();
                clients.add(client);
            }
            String session = clients.get(0)
                    .call("session_create", Map.of("cli", "claude"))
                    .get("session")
                    .get("id")
                    .asText();
            Function<Integer, Caller> caller = i -> (tool, arguments) -> {
                JsonNode result = clients.get(i).callTool(tool, arguments);
                if (result.path("isError").asBoolean(false)) {
                    throw new IllegalStateException(result.toString());
                }
            };
            measureAll("HTTP", caller, session, round);
        }
    }

    private static void stdio(int round) throws Exception {
        Path dir = Files.createTempDirectory("bench-stdio");
        ProcessBuilder builder = new ProcessBuilder(
                GatewayProcess.javaExecutable(), "-jar", GatewayProcess.jar().toString());
        builder.environment().put("LLM_GATEWAY_HOME", dir.toString());
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        try (Pipelined pipe = new Pipelined(process)) {
            pipe.request(
                    "initialize",
                    Map.of(
                            "protocolVersion",
                            "2025-11-25",
                            "capabilities",
                            Map.of(),
                            "clientInfo",
                            Map.of("name", "bench", "version", "1")));
            pipe.notify("notifications/initialized");
            JsonNode created =
                    pipe.request("tools/call", Map.of("name", "session_create", "arguments", Map.of("cli", "claude")));
            String session = created.get("result")
                    .get("structuredContent")
                    .get("session")
                    .get("id")
                    .asText();
            measureAll(
                    "stdio",
                    i -> (tool, arguments) -> {
                        JsonNode response = pipe.request("tools/call", Map.of("name", tool, "arguments", arguments));
                        if (!response.has("result")
                                || response.get("result").path("isError").asBoolean(false)) {
                            throw new IllegalStateException(response.toString());
                        }
                    },
                    session,
                    round);
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void measureAll(String transport, Function<Integer, Caller> callers, String session, int round)
            throws Exception {
        for (String tool : List.of("session_get", "session_create")) {
            Map<String, Object> arguments = tool.equals("session_get")
                    ? Map.of("sessionId", session)
                    : Map.of("cli", "codex", "setAsActive", false);
            run(callers, 32, WARMUP_CALLS, tool, arguments); // JIT warm-up on the whole path
            for (int clients : CLIENTS) {
                Result r = run(callers, clients, CALLS, tool, arguments);
                System.out.printf(
                        "| %s | %s | %d | %.3f | %.3f | %.0f | %d |%n",
                        transport, tool, clients, r.stats.medianMs(), r.stats.p99Ms(), r.callsPerSecond, round);
            }
        }
    }

    private record Result(BenchStats stats, double callsPerSecond) {}

    /** {@code clients} threads share {@code calls} calls; every latency is kept. */
    private static Result run(
            Function<Integer, Caller> callers, int clients, int calls, String tool, Map<String, Object> arguments)
            throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(calls));
        AtomicLong left = new AtomicLong(calls);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        for (int i = 0; i < clients; i++) {
            Caller caller = callers.apply(i);
            workers.add(CompletableFuture.runAsync(
                    () -> {
                        try {
                            start.await();
                            while (left.getAndDecrement() > 0) {
                                long t0 = System.nanoTime();
                                caller.call(tool, arguments);
                                latencies.add(System.nanoTime() - t0);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    pool));
        }
        long t0 = System.nanoTime();
        start.countDown();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return new Result(BenchStats.ofNanos(new ArrayList<>(latencies)), calls / seconds);
    }

    private static String idleRss() throws Exception {
        Path dir = Files.createTempDirectory("bench-http-rss");
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "LLM_GATEWAY_HOME", dir.toString());
        String token = HttpGatewayProcess.addGrant(env, "bench");
        try (HttpGatewayProcess gw = HttpGatewayProcess.start(env)) {
            HttpMcp client = new HttpMcp(gw.url, token);
            client.initialize();
            client.call("session_list", Map.of());
            Thread.sleep(2000);
            for (String line : Files.readAllLines(Path.of("/proc/" + gw.process.pid() + "/status"))) {
                if (line.startsWith("VmRSS")) {
                    return line.replaceAll("\\s+", " ");
                }
            }
        }
        return "unknown";
    }

    /** JSON-RPC over a gateway's stdio with many requests in flight, answers matched by id. */
    private static final class Pipelined implements AutoCloseable {
        private final OutputStream out;
        private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();
        private final Thread reader;

        Pipelined(Process process) {
            this.out = process.getOutputStream();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            reader = new Thread(
                    () -> {
                        try {
                            String line;
                            while ((line = in.readLine()) != null) {
                                JsonNode message = MAPPER.readTree(line);
                                if (message.has("id") && !message.has("method")) {
                                    CompletableFuture<JsonNode> answer =
                                            waiting.remove(message.get("id").asLong());
                                    if (answer != null) {
                                        answer.complete(message);
                                    }
                                }
                            }
                        } catch (Exception e) {
                            waiting.values().forEach(f -> f.completeExceptionally(e));
                        }
                    },
                    "bench-stdio-reader");
            reader.setDaemon(true);
            reader.start();
        }

        JsonNode request(String method, Object params) throws Exception {
            long id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            write(Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
            return answer.get(60, TimeUnit.SECONDS);
        }

        void notify(String method) throws Exception {
            write(Map.of("jsonrpc", "2.0", "method", method));
        }

        private void write(Object message) throws Exception {
            byte[] line = (MAPPER.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (out) {
                out.write(line);
                out.flush();
            }
        }

        @Override
        public void close() throws Exception {
            out.close();
        }
    }
}
