package io.llmgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ProviderId;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.HttpMcp;
import io.llmgateway.support.HttpTestGateway;
import io.llmgateway.support.Survivors;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long request over HTTP: its response is an SSE stream carrying progress notifications, and a client
 * that goes away cancels it (the CLI's whole process tree is killed).
 */
class HttpProgressCancelTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    private HttpTestGateway gw;
    private HttpMcp client;
    private String token;

    @BeforeEach
    void start() throws Exception {
        FakeClis fakes = FakeClis.in(state);
        Path slow = Path.of(HttpProgressCancelTest.class
                .getResource("/io/llmgateway/job/slow-cli")
                .toURI());
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("LLM_GATEWAY_CLAUDE_COMMAND", slow.toString());
        env.put("SLOW_CLI_TARGET", fakes.executable(ProviderId.CLAUDE).toString());
        env.put("LLM_GATEWAY_PROGRESS_DELAY_MS", "200");
        env.put("LLM_GATEWAY_PROGRESS_INTERVAL_MS", "200");
        env.put("LLM_GATEWAY_SYNC_DEADLINE_MS", "600000");
        token = HttpTestGateway.addGrant(dataDir, "alice", null, Clock.systemUTC());
        gw = HttpTestGateway.start(dataDir, env, Clock.systemUTC());
        client = new HttpMcp(gw.url(), token);
        client.initialize();
    }

    @AfterEach
    void stop() throws InterruptedException {
        gw.close();
        assertEquals(List.of(), Survivors.afterGracePeriod(), "no process survives");
    }

    @Test
    void aLongCallStreamsProgressAndDisconnectingCancelsIt() throws Exception {
        Map<String, Object> call = client.request(
                "tools/call",
                Map.of(
                        "name",
                        "claude_request",
                        "arguments",
                        Map.of("prompt", "SLOW=120 a long task"),
                        "_meta",
                        Map.of("progressToken", "p-1")));
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .sendAsync(
                        client.builder()
                                .POST(HttpRequest.BodyPublishers.ofString(HttpMcp.json(call)))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream())
                .get(60, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String line;
        int progress = 0;
        while (progress < 2 && (line = events.readLine()) != null) {
            if (line.startsWith("data:") && line.contains("notifications/progress")) {
                assertTrue(line.contains("\"progressToken\":\"p-1\""), line);
                progress++;
            }
        }
        assertEquals(2, progress, "progress notifications arrive on the call's stream");
        List<ProcessHandle> cli = ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .toList();
        assertFalse(cli.isEmpty(), "the CLI runs while the client waits");

        events.close(); // the client goes away

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cli.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(
                cli.stream().noneMatch(ProcessHandle::isAlive),
                "the CLI's process tree is gone: "
                        + cli.stream()
                                .filter(ProcessHandle::isAlive)
                                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                                .toList());
        assertEquals(0, client.call("llm_job_list", Map.of()).get("total").asInt(), "the call was not deferred");
        assertTrue(client.call("session_list", Map.of()).get("success").asBoolean(), "the gateway serves on");
    }
}
