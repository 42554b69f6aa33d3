package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.ContractCalls;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.WorkspaceCalls;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar, launched as agent hosts launch it. */
class GatewayJarIT {
    @TempDir
    Path dataDir;

    /**
     * Every tool the gateway lists, called through the SDK's own client over stdio, with the fake provider
     * CLIs standing in for the real ones: none may fail at the protocol level or with an error result.
     */
    @Test
    void sdkClientCallsEveryListedTool(@TempDir Path fakeState, @TempDir Path projects) throws Exception {
        Map<String, String> env = new HashMap<>(FakeClis.in(fakeState).environment());
        env.put("LLM_GATEWAY_HOME", dataDir.toString());
        WorkspaceCalls.prepare(dataDir, projects, env);
        env.put("LLM_GATEWAY_JOB_WATCH_MS", "100");
        ServerParameters params = ServerParameters.builder(GatewayProcess.javaExecutable())
                .args("-jar", GatewayProcess.jar().toString())
                .env(env)
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(Json.newMapper()));
        Set<String> called = new TreeSet<>();
        Set<String> listed;
        try (McpSyncClient client =
                McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build()) {
            assertEquals("llm-cli-gateway", client.initialize().serverInfo().name());
            listed = client.listTools().tools().stream()
                    .map(McpSchema.Tool::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            ToolCaller call = (name, arguments) -> {
                McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(name, arguments));
                assertFalse(Boolean.TRUE.equals(result.isError()), name + " failed: " + result);
                assertNotNull(result.structuredContent(), name);
                called.add(name);
                @SuppressWarnings("unchecked")
                Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
                return structured;
            };
            for (String name : listed) {
                if (name.endsWith("_request")) {
                    Map<String, Object> reply = call.call(name, Map.of("prompt", "hello from " + name));
                    assertEquals(Boolean.TRUE, reply.get("success"), name + ": " + reply);
                }
            }
            String sessionId = (String) ((Map<?, ?>)
                            call.call("session_create", Map.of("cli", "claude")).get("session"))
                    .get("id");
            call.call("session_get", Map.of("sessionId", sessionId));
            call.call("session_list", Map.of());
            call.call("session_set_active", Map.of("cli", "claude", "sessionId", sessionId));
            call.call("session_delete", Map.of("sessionId", sessionId));
            assertTrue(
                    client.callTool(new McpSchema.CallToolRequest("session_get", Map.of("sessionId", sessionId)))
                            .isError(),
                    "a deleted session is gone");
            call.call("session_clear_all", Map.of("cli", "codex"));
            String jobId = null;
            for (String name : listed) {
                if (name.endsWith("_request_async")) {
                    String id = (String) call.call(name, Map.of("prompt", "hello from " + name))
                            .get("jobId");
                    assertTrue(id.startsWith("job-"), id);
                    jobId = name.startsWith("claude") ? id : jobId;
                }
            }
            String claudeJob = jobId;
            Awaitility.await("the claude job completed")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> "completed"
                            .equals(call.call("llm_job_status", Map.of("jobId", claudeJob))
                                    .get("status")));
            call.call("llm_job_result", Map.of("jobId", jobId));
            call.call("llm_job_list", Map.of());
            call.call("llm_job_cancel", Map.of("jobId", jobId));
            WorkspaceCalls.callAll(call::call, projects);
            ContractCalls.callAll(call::call, true);
            call.call("list_models", Map.of());
            call.call("cli_versions", Map.of());
            call.call("llm_process_health", Map.of());
            String correlationId =
                    (String) call.call("llm_job_status", Map.of("jobId", jobId)).get("correlationId");
            call.call("llm_request_result", Map.of("correlationId", correlationId));
            call.call("llm_usage", Map.of("days", 7));
        }
        assertEquals(listed, called, "every listed tool was called");
    }

    private interface ToolCaller {
        Map<String, Object> call(String name, Map<String, Object> arguments);
    }

    @Test
    void everyStdoutLineIsJsonRpcEvenUnderHostileInput() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of())) {
            gw.client.sendLine("this is not json");
            gw.client.sendRaw(new byte[] {0, 1, 2, (byte) 0xff, '\n'});
            gw.client.initialize();
            gw.client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":42}");
            JsonNode created = gw.client.callTool("session_create", Map.of("cli", "codex"));
            String id =
                    created.get("structuredContent").get("session").get("id").asText();
            assertEquals(
                    id,
                    gw.client
                            .callTool("session_get", Map.of("sessionId", id))
                            .get("structuredContent")
                            .get("session")
                            .get("id")
                            .asText());
            gw.client.closeInput();
            assertTrue(gw.process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, gw.process.exitValue());
            assertTrue(gw.client.nonJsonRpcLines().isEmpty(), "non-JSON-RPC on stdout: " + gw.client.nonJsonRpcLines());
        }
    }

    @Test
    void exitsPromptlyOnEofEvenWithoutInitialized() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of())) {
            gw.client.request(
                    "initialize",
                    Map.of(
                            "protocolVersion",
                            "2025-06-18",
                            "capabilities",
                            Map.of(),
                            "clientInfo",
                            Map.of("name", "t", "version", "1")));
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
            Process p = new ProcessBuilder(
                            GatewayProcess.javaExecutable(),
                            "-jar",
                            GatewayProcess.jar().toString(),
                            flag)
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("llm-cli-gateway"), out);
        }
    }
}
