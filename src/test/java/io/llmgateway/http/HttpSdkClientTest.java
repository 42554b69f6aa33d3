package io.llmgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.ContractCalls;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.HttpTestGateway;
import io.llmgateway.support.RecordingHttpClient;
import io.llmgateway.support.Survivors;
import io.llmgateway.support.WorkspaceCalls;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP Java SDK's own Streamable HTTP client against the gateway: it lists every tool and calls each
 * (quick calls are answered with JSON), then calls every request tool again with a progress token on a
 * run slow enough to report progress (answered on an SSE stream). The fake provider CLIs stand in for
 * the real ones.
 */
class HttpSdkClientTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path wrappers;

    @TempDir
    Path projects;

    private HttpTestGateway gw;
    private String token;

    @BeforeEach
    void start() throws Exception {
        FakeClis fakes = FakeClis.in(state);
        Map<String, String> env = new HashMap<>(fakes.environment());
        for (ProviderId cli : ProviderId.values()) {
            // The fake, made slow (1.5 s) when the prompt says SLOWLY, wherever the CLI takes its prompt.
            Path wrapper = wrappers.resolve(cli.defaultCommand());
            Files.writeString(
                    wrapper,
                    "#!/usr/bin/env bash\ninput=$(cat)\ncase \"$* $input\" in *SLOWLY*) sleep 1.5 ;; esac\n"
                            + "printf '%s' \"$input\" | exec '" + fakes.executable(cli) + "' \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
            env.put(cli.commandOverrideVariable(), wrapper.toString());
        }
        WorkspaceCalls.prepare(dataDir, projects, env);
        env.put("LLM_GATEWAY_JOB_WATCH_MS", "100");
        env.put("LLM_GATEWAY_PROGRESS_DELAY_MS", "300");
        env.put("LLM_GATEWAY_PROGRESS_INTERVAL_MS", "300");
        token = HttpTestGateway.addGrant(dataDir, "sdk", null, Clock.systemUTC());
        gw = HttpTestGateway.start(dataDir, env, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws InterruptedException {
        gw.close();
        assertEquals(List.of(), Survivors.afterGracePeriod(), "no process survives");
    }

    @Test
    void theSdkClientListsAndCallsEveryToolOverJsonAndSse() throws Exception {
        List<String> contentTypes = RecordingHttpClient.newLog();
        Map<Object, Integer> progressByToken = new ConcurrentHashMap<>();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(
                        "http://" + gw.url().getRawAuthority())
                .endpoint(gw.url().getRawPath())
                .clientBuilder(RecordingHttpClient.builder(contentTypes))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .jsonMapper(new JacksonMcpJsonMapper(Json.newMapper()))
                .build();
        Set<String> called = new TreeSet<>();
        Map<String, List<String>> answeredAs = new HashMap<>();
        Set<String> listed;
        try (McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .progressConsumer(p -> progressByToken.merge(p.progressToken(), 1, Integer::sum))
                .build()) {
            assertEquals("llm-cli-gateway", client.initialize().serverInfo().name());
            listed = client.listTools().tools().stream()
                    .map(McpSchema.Tool::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            ToolCaller call = (name, arguments, meta) -> {
                int before = contentTypes.size();
                McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(name, arguments, meta));
                answeredAs.put(name, List.copyOf(contentTypes.subList(before, contentTypes.size())));
                assertFalse(Boolean.TRUE.equals(result.isError()), name + " failed: " + result);
                assertNotNull(result.structuredContent(), name);
                called.add(name);
                @SuppressWarnings("unchecked")
                Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
                return structured;
            };
            for (String name : listed) {
                if (name.endsWith("_request")) {
                    assertEquals(
                            Boolean.TRUE,
                            call.call(name, Map.of("prompt", "hello from " + name), null)
                                    .get("success"));
                }
            }
            String sessionId = (String) ((Map<?, ?>) call.call("session_create", Map.of("cli", "claude"), null)
                            .get("session"))
                    .get("id");
            call.call("session_get", Map.of("sessionId", sessionId), null);
            call.call("session_list", Map.of(), null);
            call.call("session_set_active", Map.of("cli", "claude", "sessionId", sessionId), null);
            call.call("session_delete", Map.of("sessionId", sessionId), null);
            call.call("session_clear_all", Map.of("cli", "codex"), null);
            String jobId = null;
            String claudeCorrelationId = null;
            for (String name : listed) {
                if (name.endsWith("_request_async")) {
                    String id = (String) call.call(name, Map.of("prompt", "hello from " + name), null)
                            .get("jobId");
                    jobId = name.startsWith("claude") ? id : jobId;
                    claudeCorrelationId = name.startsWith("claude")
                            ? (String) call.call("llm_job_status", Map.of("jobId", id), null)
                                    .get("correlationId")
                            : claudeCorrelationId;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!"completed"
                    .equals(call.call("llm_job_status", Map.of("jobId", jobId), null)
                            .get("status"))) {
                assertTrue(System.nanoTime() < deadline, "the claude job did not complete");
                Thread.sleep(100);
            }
            call.call("llm_job_result", Map.of("jobId", jobId), null);
            call.call("llm_job_list", Map.of(), null);
            call.call("llm_job_cancel", Map.of("jobId", jobId), null);
            WorkspaceCalls.callAll((name, arguments) -> call.call(name, arguments, null), projects);
            ContractCalls.callAll((name, arguments) -> call.call(name, arguments, null), false);
            McpSchema.CallToolResult upgrade =
                    client.callTool(new McpSchema.CallToolRequest("cli_upgrade", Map.of("cli", "codex")));
            assertTrue(Boolean.TRUE.equals(upgrade.isError()), "cli_upgrade is for local callers only: " + upgrade);
            assertTrue(upgrade.toString().contains("restricted to a local gateway caller"), upgrade.toString());
            called.add("cli_upgrade");
            call.call("list_models", Map.of(), null);
            call.call("cli_versions", Map.of(), null);
            call.call("llm_process_health", Map.of(), null);
            call.call("llm_request_result", Map.of("correlationId", claudeCorrelationId), null);
            call.call("llm_usage", Map.of("days", 1), null);
            assertEquals(listed, called, "every listed tool was called");
            for (String quick : List.of(
                    "session_create",
                    "session_get",
                    "session_list",
                    "session_set_active",
                    "session_delete",
                    "session_clear_all",
                    "llm_job_status",
                    "llm_job_result",
                    "llm_job_list",
                    "list_models")) {
                assertEquals(1, answeredAs.get(quick).size(), quick);
                assertTrue(
                        answeredAs.get(quick).get(0).startsWith("application/json"),
                        quick + " answered as JSON: " + answeredAs.get(quick));
            }

            for (String name : listed) {
                if (name.endsWith("_request")) {
                    Map<String, Object> reply = call.call(
                            name, Map.of("prompt", "SLOWLY hello from " + name), Map.of("progressToken", name));
                    assertEquals(Boolean.TRUE, reply.get("success"), name + ": " + reply);
                    assertTrue(progressByToken.getOrDefault(name, 0) > 0, name + " reported progress");
                    assertEquals(1, answeredAs.get(name).size(), name);
                    assertTrue(
                            answeredAs.get(name).get(0).startsWith("text/event-stream"),
                            name + " answered on an SSE " + "stream: " + answeredAs.get(name));
                }
            }
        }
    }

    private interface ToolCaller {
        Map<String, Object> call(String name, Map<String, Object> arguments, Map<String, Object> meta);
    }
}
