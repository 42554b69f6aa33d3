package io.llmgateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.support.StdioClient;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
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

    @BeforeEach
    void start() throws Exception {
        PipedOutputStream clientOut = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 16);
        PipedOutputStream serverOut = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
        JacksonMcpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        transport = new StdioJsonRpcTransport(mcpMapper, mapper, serverIn, serverOut, MAX_LINE, Duration.ofSeconds(5));
        McpSchema.Tool slow = McpSchema.Tool.builder().name("slow").description("sleeps")
                .inputSchema(Map.of("type", "object", "properties", Map.of("ms", Map.of("type", "integer")))).build();
        server = McpServer.sync(transport).serverInfo("t", "1").jsonMapper(mcpMapper)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(McpServerFeatures.SyncToolSpecification.builder().tool(slow).callHandler((ex, req) -> {
                    try {
                        Thread.sleep(((Number) req.arguments().getOrDefault("ms", 0)).longValue());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return McpSchema.CallToolResult.builder().addTextContent("done").build();
                }).build())
                .build();
        transport.start();
        client = new StdioClient(clientOut, clientIn);
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
        for (String line : new String[] {"42", "\"text\"", "{\"jsonrpc\":\"2.0\"}", "{\"id\":5,\"method\":\"ping\"}",
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"params\":[1]}"}) {
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
        String huge = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(MAX_LINE * 3) + "\"}}";
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
        client.request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "t", "version", "1")));
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
        assertEquals("done", client.awaitResponse(first).get("result").get("content").get(0).get("text").asText());
        assertEquals("done", client.awaitResponse(second).get("result").get("content").get(0).get("text").asText());
    }

    @Test
    void eofWithoutInitializedStillTerminates() throws Exception {
        client.request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "t", "version", "1")));
        client.closeInput();
        assertTrue(transport.awaitTermination(Duration.ofSeconds(10)));
        assertFalse(client.nonJsonRpcLines().size() > 0);
    }
}
