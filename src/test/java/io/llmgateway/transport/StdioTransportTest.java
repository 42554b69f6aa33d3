package io.llmgateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.CancelSignal;
import io.llmgateway.core.Json;
import io.llmgateway.support.StdioClient;
import io.llmgateway.tools.McpToolBinding;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stdio pitfalls of the SDK's own transport, each reproduced against ours. */
class StdioTransportTest {
    private static final int MAX_LINE = 4096;
    private final ObjectMapper mapper = Json.newMapper();
    private StdioJsonRpcTransport transport;
    private McpSyncServer server;
    private StdioClient client;
    private PipedOutputStream serverOut;
    private final CountDownLatch waitingStarted = new CountDownLatch(1);
    private final CompletableFuture<Boolean> sawCancel = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        PipedOutputStream clientOut = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 16);
        serverOut = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
        JacksonMcpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        transport = new StdioJsonRpcTransport(mcpMapper, mapper, serverIn, serverOut, MAX_LINE, Duration.ofSeconds(5));
        McpSchema.Tool slow = McpSchema.Tool.builder()
                .name("slow")
                .description("sleeps")
                .inputSchema(Map.of("type", "object", "properties", Map.of("ms", Map.of("type", "integer"))))
                .build();
        server = McpServer.sync(transport)
                .serverInfo("t", "1")
                .jsonMapper(mcpMapper)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(
                        McpServerFeatures.SyncToolSpecification.builder()
                                .tool(slow)
                                .callHandler((ex, req) -> {
                                    try {
                                        Thread.sleep(((Number) req.arguments().getOrDefault("ms", 0)).longValue());
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    return McpSchema.CallToolResult.builder()
                                            .addTextContent("done")
                                            .build();
                                })
                                .build(),
                        McpServerFeatures.SyncToolSpecification.builder()
                                .tool(tool("boom"))
                                .callHandler((ex, req) -> {
                                    throw new IllegalStateException("Cannot invoke \"io.secret.Internal.run()\"");
                                })
                                .build(),
                        McpServerFeatures.SyncToolSpecification.builder()
                                .tool(tool("waits"))
                                .callHandler((ex, req) -> {
                                    CancelSignal cancel =
                                            (CancelSignal) ex.transportContext().get(McpToolBinding.CANCEL_SIGNAL);
                                    CountDownLatch cancelled = new CountDownLatch(1);
                                    cancel.onCancel(cancelled::countDown);
                                    waitingStarted.countDown();
                                    try {
                                        sawCancel.complete(cancelled.await(20, TimeUnit.SECONDS));
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    return McpSchema.CallToolResult.builder()
                                            .addTextContent("stopped")
                                            .build();
                                })
                                .build())
                .build();
        transport.start();
        client = new StdioClient(clientOut, clientIn);
    }

    private static McpSchema.Tool tool(String name) {
        return McpSchema.Tool.builder()
                .name(name)
                .description(name)
                .inputSchema(Map.of("type", "object", "properties", Map.of()))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        assertTrue(client.nonJsonRpcLines().isEmpty(), "stdout carried non-JSON-RPC: " + client.nonJsonRpcLines());
    }

    @Test
    void malformedLineGetsParseErrorAndSessionGoesOn() {
        client.initialize();
        client.sendLine("{not json");
        JsonNode error = client.awaitMatching(n -> n.has("error") && n.get("id").isNull(), 10);
        assertEquals(-32700, error.get("error").get("code").asInt());
        assertEquals("pong", client.request("ping", null).has("result") ? "pong" : "none");
    }

    @Test
    void nonRequestsGetInvalidRequest() {
        client.initialize();
        for (String line : new String[] {
            "42",
            "\"text\"",
            "{\"jsonrpc\":\"2.0\"}",
            "{\"id\":5,\"method\":\"ping\"}",
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
            "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"params\":[1]}"
        }) {
            client.sendLine(line);
            JsonNode error = client.awaitMatching(n -> n.has("error"), 10);
            assertEquals(-32600, error.get("error").get("code").asInt(), line);
        }
        JsonNode withId = client.drain().stream().findFirst().orElse(null);
        assertEquals(null, withId);
        assertTrue(client.request("ping", null).has("result"));
    }

    @Test
    void invalidRequestWithIdIsAnsweredWithThatId() {
        client.initialize();
        client.sendLine("{\"jsonrpc\":\"1.0\",\"id\":77,\"method\":\"ping\"}");
        JsonNode error = client.awaitResponse(77);
        assertEquals(-32600, error.get("error").get("code").asInt());
    }

    @Test
    void overLongLineIsSkippedWithAnErrorAndSessionGoesOn() {
        client.initialize();
        String huge = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\",\"params\":{\"pad\":\""
                + "x".repeat(MAX_LINE * 3) + "\"}}";
        client.sendRaw((huge + "\n").getBytes(StandardCharsets.UTF_8));
        JsonNode error = client.awaitMatching(n -> n.has("error"), 10);
        assertEquals(-32600, error.get("error").get("code").asInt());
        assertTrue(error.get("error").get("message").asText().contains("too large"));
        assertTrue(client.request("ping", null).has("result"));
    }

    @Test
    void requestsBeforeInitializeAreAnsweredNotParked() {
        assertTrue(client.request("ping", null).has("result"), "ping is allowed before initialize");
        JsonNode early = client.request("tools/list", Map.of());
        assertEquals(-32600, early.get("error").get("code").asInt());
        assertTrue(early.get("error").get("message").asText().contains("initialize"));
    }

    @Test
    void requestsAfterInitializeButBeforeInitializedAreServed() {
        client.request(
                "initialize",
                Map.of(
                        "protocolVersion",
                        "2025-06-18",
                        "capabilities",
                        Map.of(),
                        "clientInfo",
                        Map.of("name", "t", "version", "1")));
        JsonNode tools = client.request("tools/list", Map.of());
        assertEquals("slow", tools.get("result").get("tools").get(0).get("name").asText());
        client.notify("notifications/initialized");
        assertTrue(client.request("ping", null).has("result"));
    }

    @Test
    void eofStillWritesInFlightResponsesThenTerminates() throws Exception {
        client.initialize();
        int first = client.send("tools/call", Map.of("name", "slow", "arguments", Map.of("ms", 400)));
        int second = client.send("tools/call", Map.of("name", "slow", "arguments", Map.of("ms", 200)));
        client.closeInput();
        assertTrue(transport.awaitTermination(Duration.ofSeconds(10)), "terminates after EOF");
        assertEquals(
                "done",
                client.awaitResponse(first)
                        .get("result")
                        .get("content")
                        .get(0)
                        .get("text")
                        .asText());
        assertEquals(
                "done",
                client.awaitResponse(second)
                        .get("result")
                        .get("content")
                        .get(0)
                        .get("text")
                        .asText());
    }

    @Test
    void eofWithoutInitializedStillTerminates() throws Exception {
        client.request(
                "initialize",
                Map.of(
                        "protocolVersion",
                        "2025-06-18",
                        "capabilities",
                        Map.of(),
                        "clientInfo",
                        Map.of("name", "t", "version", "1")));
        client.closeInput();
        assertTrue(transport.awaitTermination(Duration.ofSeconds(10)));
        assertFalse(client.nonJsonRpcLines().size() > 0);
    }

    @Test
    void integerIdsOfAnySizeComeBackExactly() {
        client.initialize();
        int slow = client.send("tools/call", Map.of("name", "slow", "arguments", Map.of("ms", 300)));
        // 2^64 + slow: wrapped to 64 bits it would be the slow call's id.
        String big = java.math.BigInteger.TWO
                .pow(64)
                .add(java.math.BigInteger.valueOf(slow))
                .toString();
        String huge = "9".repeat(400);
        String negative = "-" + "1".repeat(30);
        for (String id : new String[] {big, huge, negative}) {
            client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
            JsonNode answer = client.awaitMatching(
                    n -> n.path("id").isIntegralNumber()
                            && n.get("id").toString().equals(id),
                    10);
            assertTrue(answer != null && answer.has("result"), "ping " + id + " answered with its own id");
        }
        JsonNode slowAnswer = client.awaitResponse(slow);
        assertEquals(
                "done",
                slowAnswer.get("result").get("content").get(0).get("text").asText());
        assertTrue(client.drain().isEmpty(), "nothing else was answered");
    }

    @Test
    void aNumberBeyondTheParsersLimitIsAnInvalidRequestNotAParseError() {
        client.initialize();
        client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":" + "7".repeat(1001) + ",\"method\":\"ping\"}");
        JsonNode error = client.awaitMatching(n -> n.has("error"), 10).get("error");
        assertEquals(-32600, error.get("code").asInt());
        assertTrue(error.get("message").asText().contains("1,000 digits"), error.toString());
        assertTrue(client.request("ping", null).has("result"));
    }

    @Test
    void anInvalidRequestWithABigIdIsAnsweredWithThatExactId() {
        client.initialize();
        String big = "123456789012345678901234567890";
        client.sendLine("{\"jsonrpc\":\"1.0\",\"id\":" + big + ",\"method\":\"ping\"}");
        JsonNode error = client.awaitMatching(n -> n.path("id").toString().equals(big), 10);
        assertEquals(-32600, error.get("error").get("code").asInt());
    }

    @Test
    void cancelReachesTheRunningCallWhichThenGetsNoResponse() throws Exception {
        client.initialize();
        int id = client.send("tools/call", Map.of("name", "waits", "arguments", Map.of()));
        assertTrue(waitingStarted.await(10, TimeUnit.SECONDS));
        client.sendLine(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99999}}");
        client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":{}}}");
        client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + id
                + ",\"reason\":\"user\"}}");
        assertTrue(sawCancel.get(20, TimeUnit.SECONDS), "the tool's cancel signal fired");
        assertTrue(client.request("ping", null).has("result"), "still serving");
        client.closeInput();
        assertTrue(transport.awaitTermination(Duration.ofSeconds(10)));
        serverOut.close();
        assertEquals(List.of(), client.drainToEnd(), "a cancelled request is not answered, nor are notifications");
    }

    @Test
    void anSdkInternalErrorSaysOnlyThatItIsInternalWithACorrelationIdInTheLog() {
        client.initialize();
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        JsonNode error;
        try {
            error = client.request("tools/call", Map.of("name", "boom", "arguments", Map.of()))
                    .get("error");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(-32603, error.get("code").asInt());
        String message = error.get("message").asText();
        String correlationId = error.get("data").get("correlationId").asText();
        assertTrue(
                message.contains(correlationId)
                        && message.toLowerCase(java.util.Locale.ROOT).contains("internal"),
                message);
        assertFalse(
                message.contains("io.secret") || message.contains("Exception") || message.contains("Cannot"), message);
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains(correlationId) && log.contains("io.secret.Internal.run()"), log);
        assertTrue(client.request("ping", null).has("result"));
    }
}
