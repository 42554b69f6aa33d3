package io.llmgateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.core.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw line-level JSON-RPC client for protocol tests: writes lines, collects every stdout line and
 * fails the test if one is not JSON-RPC.
 */
public final class StdioClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final int DEFAULT_WAIT_SECONDS = 20;

    private final OutputStream toServer;
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final List<JsonNode> pending = new ArrayList<>();
    private final List<String> badLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(1000);
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    public StdioClient(OutputStream toServer, InputStream fromServer) {
        this.toServer = toServer;
        Thread reader = new Thread(() -> readAll(fromServer), "test-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readAll(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    JsonNode node = MAPPER.readTree(line);
                    if (node == null
                            || !node.isObject()
                            || !"2.0".equals(node.path("jsonrpc").asText())) {
                        badLines.add(line);
                    } else {
                        messages.add(node);
                    }
                } catch (IOException e) {
                    badLines.add(line);
                }
            }
        } catch (IOException ignored) {
            // stream closed
        } finally {
            ended.countDown();
        }
    }

    /** Every message not consumed yet, once the server's output has ended (so nothing more can come). */
    public List<JsonNode> drainToEnd() {
        try {
            if (!ended.await(DEFAULT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("the server's output did not end within " + DEFAULT_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return drain();
    }

    public List<String> nonJsonRpcLines() {
        return badLines;
    }

    public void sendLine(String line) {
        sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) {
        try {
            toServer.write(bytes);
            toServer.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void closeInput() {
        try {
            toServer.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    public int send(String method, Object params) {
        int id = ids.incrementAndGet();
        ObjectNode msg =
                MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        if (params != null) {
            msg.set("params", MAPPER.valueToTree(params));
        }
        sendLine(msg.toString());
        return id;
    }

    public void notify(String method) {
        sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"}");
    }

    public JsonNode request(String method, Object params) {
        return awaitResponse(send(method, params));
    }

    /** Sends initialize and notifications/initialized. */
    public JsonNode initialize() {
        JsonNode r = request(
                "initialize",
                Map.of(
                        "protocolVersion",
                        "2025-06-18",
                        "capabilities",
                        Map.of(),
                        "clientInfo",
                        Map.of("name", "test", "version", "1")));
        notify("notifications/initialized");
        return r;
    }

    /** The {@code result} of a tools/call (fails on a JSON-RPC error). */
    public JsonNode callTool(String name, Map<String, ?> arguments) {
        return callTool(name, arguments, DEFAULT_WAIT_SECONDS);
    }

    /** As {@link #callTool(String, Map)}, waiting up to {@code seconds} (a real CLI run may take longer). */
    public JsonNode callTool(String name, Map<String, ?> arguments, int seconds) {
        JsonNode response = awaitResponse(send("tools/call", Map.of("name", name, "arguments", arguments)), seconds);
        if (response.has("error")) {
            throw new AssertionError("tools/call " + name + " failed: " + response.get("error"));
        }
        return response.get("result");
    }

    /** The names tools/list returns. */
    public List<String> toolNames() {
        List<String> names = new ArrayList<>();
        request("tools/list", Map.of())
                .get("result")
                .get("tools")
                .forEach(tool -> names.add(tool.get("name").asText()));
        return names;
    }

    public JsonNode awaitResponse(Object id) {
        return awaitResponse(id, DEFAULT_WAIT_SECONDS);
    }

    public JsonNode awaitResponse(Object id, int seconds) {
        JsonNode node = awaitMatching(
                n -> n.has("id") && !n.has("method") && n.get("id").asText().equals(String.valueOf(id)), seconds);
        if (node == null) {
            throw new AssertionError("no response for id " + id + " within " + seconds + " s; bad lines: " + badLines);
        }
        return node;
    }

    /** Next message satisfying the predicate, keeping the others for later calls; null on timeout. */
    public synchronized JsonNode awaitMatching(java.util.function.Predicate<JsonNode> predicate, int seconds) {
        for (int i = 0; i < pending.size(); i++) {
            if (predicate.test(pending.get(i))) {
                return pending.remove(i);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                JsonNode next = messages.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    return null;
                }
                if (predicate.test(next)) {
                    return next;
                }
                pending.add(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Every message received so far that no call has consumed. */
    public synchronized List<JsonNode> drain() {
        messages.drainTo(pending);
        List<JsonNode> all = new ArrayList<>(pending);
        pending.clear();
        return all;
    }

    @Override
    public void close() {
        closeInput();
    }
}
