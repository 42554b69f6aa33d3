package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.HttpGatewayProcess;
import io.llmgateway.support.HttpMcp;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar with the HTTP transport: stdio start-up loads none of its classes, and SIGTERM lets a call
 * in flight finish before the process exits 0.
 */
class HttpJarIT {
    private static final List<String> HTTP_ONLY = List.of(
            "org.eclipse.jetty.", "com.nimbusds.", "jakarta.servlet.", "io.llmgateway.http.", "io.llmgateway.grant.");

    @TempDir
    Path dataDir;

    @Test
    void stdioStartUpLoadsNoHttpClassesAndHttpDoes(@TempDir Path logs) throws Exception {
        Path stdioLog = logs.resolve("stdio-classes.log");
        try (GatewayProcess gw = GatewayProcess.start(
                dataDir,
                Map.of(),
                List.of("-Xlog:disable", "-Xlog:all=warning:stderr", "-Xlog:class+load=info:file=" + stdioLog))) {
            gw.client.initialize();
            gw.client.toolNames();
            assertTrue(gw.client
                    .callTool("session_create", Map.of("cli", "claude"))
                    .get("structuredContent")
                    .get("success")
                    .asBoolean());
        }
        List<String> stdio = Files.readAllLines(stdioLog);
        assertTrue(
                stdio.stream().anyMatch(line -> line.contains("io.llmgateway.transport.StdioJsonRpcTransport")),
                "the log lists the classes loaded");
        assertEquals(
                List.of(),
                stdio.stream()
                        .filter(line -> HTTP_ONLY.stream().anyMatch(line::contains))
                        .toList(),
                "classes of the HTTP transport loaded over stdio");

        Map<String, String> env = Map.of(
                "PATH",
                System.getenv("PATH"),
                "LLM_GATEWAY_HOME",
                dataDir.toString(),
                "JDK_JAVA_OPTIONS",
                "-Xlog:class+load=info:file=" + logs.resolve("http-classes.log"));
        try (HttpGatewayProcess http = HttpGatewayProcess.start(env)) {
            assertEquals(
                    200,
                    HttpMcp.send(HttpRequest.newBuilder(http.url.resolve("/healthz"))
                                    .GET())
                            .statusCode());
        }
        String httpLog = Files.readString(logs.resolve("http-classes.log"));
        assertTrue(
                httpLog.contains("org.eclipse.jetty.server.Server")
                        && httpLog.contains("io.llmgateway.http.HttpGateway"),
                "serving HTTP loads Jetty: the check above can see it");
    }

    @Test
    void sigtermAnswersTheCallInFlightThenExitsZero(@TempDir Path state) throws Exception {
        FakeClis fakes = FakeClis.in(state);
        Path slow = Path.of(
                HttpJarIT.class.getResource("/io/llmgateway/job/slow-cli").toURI());
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("LLM_GATEWAY_HOME", dataDir.toString());
        env.put("LLM_GATEWAY_CLAUDE_COMMAND", slow.toString());
        env.put("SLOW_CLI_TARGET", fakes.executable(ProviderId.CLAUDE).toString());
        String token = HttpGatewayProcess.addGrant(env, "ci");
        try (HttpGatewayProcess http = HttpGatewayProcess.start(env)) {
            HttpMcp client = new HttpMcp(http.url, token);
            client.initialize();
            CompletableFuture<JsonNode> inFlight = CompletableFuture.supplyAsync(
                    () -> client.call("claude_request", Map.of("prompt", "SLOW=3 finish me")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (health(http).get("inFlightCalls").asInt() == 0) {
                assertTrue(System.nanoTime() < deadline, "the call never started");
                Thread.sleep(50);
            }
            http.process.destroy(); // SIGTERM

            JsonNode answered = inFlight.get(30, TimeUnit.SECONDS);
            assertTrue(answered.get("success").asBoolean(), answered.toString());
            assertTrue(answered.get("response").asText().contains("finish me"), answered.toString());
            assertTrue(http.process.waitFor(30, TimeUnit.SECONDS), "the gateway exits");
            assertEquals(0, http.process.exitValue(), http.stderr());
            assertFalse(http.stderr().contains("Exception"), http.stderr());
        }
    }

    private static JsonNode health(HttpGatewayProcess http) throws Exception {
        return Json.newMapper()
                .readTree(HttpMcp.send(HttpRequest.newBuilder(http.url.resolve("/healthz"))
                                .GET())
                        .body());
    }
}
