package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.GatewayProcess;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar, launched as agent hosts launch it. */
class GatewayJarIT {
    @TempDir
    Path dataDir;

    @Test
    void sdkClientListsAndCallsEverySessionTool() {
        ServerParameters params = ServerParameters.builder(GatewayProcess.javaExecutable())
                .args("-jar", GatewayProcess.jar().toString())
                .env(Map.of("LLM_GATEWAY_HOME", dataDir.toString()))
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(Json.newMapper()));
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertEquals("llm-cli-gateway", init.serverInfo().name());
            Set<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).collect(Collectors.toSet());
            assertTrue(names.containsAll(List.of("session_create", "session_list", "session_get", "session_set_active",
                    "session_delete", "session_clear_all")), names.toString());

            McpSchema.CallToolResult created = client.callTool(new McpSchema.CallToolRequest("session_create",
                    Map.of("cli", "claude", "description", "jar test")));
            assertFalse(created.isError());
            @SuppressWarnings("unchecked")
            String id = (String) ((Map<String, Object>) ((Map<String, Object>) created.structuredContent()).get("session")).get("id");
            assertTrue(id.startsWith("gw-"));
            assertFalse(client.callTool(new McpSchema.CallToolRequest("session_get", Map.of("sessionId", id))).isError());
            assertFalse(client.callTool(new McpSchema.CallToolRequest("session_list", Map.of())).isError());
            assertFalse(client.callTool(new McpSchema.CallToolRequest("session_set_active",
                    Map.of("cli", "claude", "sessionId", id))).isError());
            assertFalse(client.callTool(new McpSchema.CallToolRequest("session_delete", Map.of("sessionId", id))).isError());
            assertFalse(client.callTool(new McpSchema.CallToolRequest("session_clear_all", Map.of())).isError());
            assertTrue(client.callTool(new McpSchema.CallToolRequest("session_get", Map.of("sessionId", id))).isError());
        }
    }

    @Test
    void everyStdoutLineIsJsonRpcEvenUnderHostileInput() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of())) {
            gw.client.sendLine("this is not json");
            gw.client.sendRaw(new byte[] {0, 1, 2, (byte) 0xff, '\n'});
            gw.client.initialize();
            gw.client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":42}");
            JsonNode created = gw.client.callTool("session_create", Map.of("cli", "codex"));
            String id = created.get("structuredContent").get("session").get("id").asText();
            assertEquals(id, gw.client.callTool("session_get", Map.of("sessionId", id))
                    .get("structuredContent").get("session").get("id").asText());
            gw.client.closeInput();
            assertTrue(gw.process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, gw.process.exitValue());
            assertTrue(gw.client.nonJsonRpcLines().isEmpty(), "non-JSON-RPC on stdout: " + gw.client.nonJsonRpcLines());
        }
    }

    @Test
    void exitsPromptlyOnEofEvenWithoutInitialized() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of())) {
            gw.client.request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                    "clientInfo", Map.of("name", "t", "version", "1")));
            long start = System.nanoTime();
            gw.client.closeInput();
            assertTrue(gw.process.waitFor(10, TimeUnit.SECONDS), "the gateway must exit after stdin EOF");
            assertEquals(0, gw.process.exitValue());
            System.err.printf("EOF -> exit took %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    @Test
    void versionAndHelpWorkOffline() throws Exception {
        for (String flag : new String[] {"--version", "--help"}) {
            Process p = new ProcessBuilder(GatewayProcess.javaExecutable(), "-jar", GatewayProcess.jar().toString(), flag)
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("llm-cli-gateway"), out);
        }
    }
}
