package io.llmgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.HttpMcp;
import io.llmgateway.support.HttpTestGateway;
import io.llmgateway.support.MutableClock;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP transport's own behaviour, through raw requests (java.net.http) to a gateway served on
 * 127.0.0.1: every status code and header the gateway sets, body limits, sessions, Origin, grant
 * revocation and expiry.
 */
class HttpTransportTest {
    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(START);
    private HttpTestGateway gw;
    private String token;

    @BeforeEach
    void start() throws Exception {
        token = HttpTestGateway.addGrant(dataDir, "alice", null, clock);
        gw = HttpTestGateway.start(
                dataDir,
                Map.of(
                        "LLM_GATEWAY_MAX_HTTP_BODY_BYTES",
                        "4096",
                        "LLM_GATEWAY_HTTP_ALLOWED_ORIGINS",
                        "https://console.example.com"),
                clock);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(gw.url().resolve(path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpMcp.send(request.GET());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.newMapper().readTree(response.body());
    }

    private String metadataUrl() {
        return "http://" + gw.url().getRawAuthority() + "/.well-known/oauth-protected-resource/mcp";
    }

    @Test
    void aRequestWithoutTokenGets401PointingAtTheResourceMetadata() throws Exception {
        HttpMcp anonymous = new HttpMcp(gw.url(), null);
        HttpResponse<String> response = anonymous.post(anonymous.request("initialize", Map.of()));
        assertEquals(401, response.statusCode());
        assertEquals(
                "Bearer resource_metadata=\"" + metadataUrl() + "\"",
                response.headers().firstValue("WWW-Authenticate").orElseThrow(),
                "no error code without credentials");
        assertEquals("unauthorized", json(response).get("error").asText());

        HttpMcp wrong = new HttpMcp(gw.url(), "lgw_" + "A".repeat(43));
        HttpResponse<String> refused = wrong.post(wrong.request("initialize", Map.of()));
        assertEquals(401, refused.statusCode());
        String challenge = refused.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer resource_metadata=\"" + metadataUrl() + "\""), challenge);
        assertTrue(challenge.contains("error=\"invalid_token\""), challenge);
        // Not a bearer scheme, and a token of no known kind, are refused the same way.
        assertEquals(
                401,
                HttpMcp.send(anonymous
                                .builder()
                                .header("Authorization", "Basic YWxpY2U6eA==")
                                .POST(HttpRequest.BodyPublishers.ofString("{}")))
                        .statusCode());
        assertEquals(401, new HttpMcp(gw.url(), "not-a-token").post(Map.of()).statusCode());
        // The GET stream and DELETE need the token too.
        assertEquals(401, get("/mcp", "Accept", "text/event-stream").statusCode());
        assertEquals(
                401, HttpMcp.send(HttpRequest.newBuilder(gw.url()).DELETE()).statusCode());
    }

    @Test
    void theProtectedResourceMetadataAndHealthNeedNoToken() throws Exception {
        for (String path :
                List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            HttpResponse<String> response = get(path);
            assertEquals(200, response.statusCode(), path);
            assertTrue(
                    response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            JsonNode metadata = json(response);
            assertEquals(gw.url().toString(), metadata.get("resource").asText());
            assertEquals(
                    "[\"header\"]", metadata.get("bearer_methods_supported").toString());
            assertFalse(metadata.has("authorization_servers"), "no JWT issuer is configured");
        }
        HttpResponse<String> health = get("/healthz");
        assertEquals(200, health.statusCode());
        JsonNode figures = json(health);
        assertEquals(
                new TreeSet<>(List.of("ok", "inFlightCalls", "runningJobs", "queuedJobs")),
                fieldNames(figures),
                "load figures only, never data");
        assertTrue(figures.get("ok").asBoolean());
        assertEquals(0, figures.get("runningJobs").asInt());

        assertEquals(404, get("/elsewhere").statusCode());
        assertEquals(404, get("/mcp/more").statusCode());
        assertEquals(
                405,
                HttpMcp.send(HttpRequest.newBuilder(gw.url().resolve("/healthz"))
                                .POST(HttpRequest.BodyPublishers.ofString("{}")))
                        .statusCode());
    }

    private static TreeSet<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aForeignOriginGets403AndAListedOneIsServed() {
        HttpMcp mcp = new HttpMcp(gw.url(), token);
        Map<String, Object> init = mcp.request(
                "initialize",
                Map.of(
                        "protocolVersion",
                        HttpMcp.PROTOCOL_VERSION,
                        "capabilities",
                        Map.of(),
                        "clientInfo",
                        Map.of("name", "t", "version", "1")));
        HttpResponse<String> foreign = HttpMcp.send(mcp.builder()
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(HttpMcp.json(init))));
        assertEquals(403, foreign.statusCode());
        assertTrue(foreign.body().contains("forbidden_origin"));
        // Refused before the token is looked at, on every path.
        assertEquals(
                403, get("/healthz", "Origin", "http://127.0.0.1.evil.example").statusCode());
        assertEquals(
                403,
                HttpMcp.send(HttpRequest.newBuilder(gw.url())
                                .header("Origin", "null")
                                .POST(HttpRequest.BodyPublishers.ofString("{}")))
                        .statusCode());

        HttpResponse<String> listed = HttpMcp.send(mcp.builder()
                .header("Origin", "https://Console.Example.com")
                .POST(HttpRequest.BodyPublishers.ofString(HttpMcp.json(init))));
        assertEquals(200, listed.statusCode());
        assertEquals(
                200,
                HttpMcp.send(mcp.builder().POST(HttpRequest.BodyPublishers.ofString(HttpMcp.json(init))))
                        .statusCode(),
                "no Origin (an agent host, not a browser) is served");
    }

    @Test
    void aBodyOverTheLimitGets413WithOrWithoutContentLength() {
        HttpMcp mcp = new HttpMcp(gw.url(), token);
        mcp.initialize();
        Map<String, Object> big = mcp.request(
                "tools/call",
                Map.of(
                        "name",
                        "session_create",
                        "arguments",
                        Map.of("cli", "claude", "description", "x".repeat(5000))));
        assertEquals(413, mcp.post(big).statusCode());
        byte[] body = HttpMcp.json(big).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = HttpMcp.send(mcp.builder().POST(unsizedBody(body)));
        assertEquals(413, chunked.statusCode());
        // Just under the limit is served (and fails on the description's own rule, as a tool result).
        Map<String, Object> fits = mcp.request(
                "tools/call",
                Map.of(
                        "name",
                        "session_create",
                        "arguments",
                        Map.of("cli", "claude", "description", "x".repeat(3000))));
        HttpResponse<String> served = mcp.post(fits);
        assertEquals(200, served.statusCode());
        assertEquals(
                "invalid_argument",
                HttpMcp.messages(served)
                        .get(0)
                        .get("result")
                        .get("structuredContent")
                        .get("errorCode")
                        .asText());
    }

    /** A body sent chunked: the publisher does not say its length. */
    private static HttpRequest.BodyPublisher unsizedBody(byte[] body) {
        return HttpRequest.BodyPublishers.fromPublisher(subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean sent;

            @Override
            public void request(long n) {
                if (!sent) {
                    sent = true;
                    subscriber.onNext(ByteBuffer.wrap(body));
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {}
        }));
    }

    @Test
    void initializeIssuesASessionIdThatUnknownDeletedAndForeignIdsCannotUse() {
        HttpMcp mcp = new HttpMcp(gw.url(), token);
        JsonNode init = mcp.initialize();
        assertEquals(
                HttpMcp.PROTOCOL_VERSION,
                init.get("result").get("protocolVersion").asText());
        String session = mcp.sessionId();
        assertFalse(session.isBlank());

        HttpResponse<String> quick =
                mcp.post(mcp.request("tools/call", Map.of("name", "session_list", "arguments", Map.of())));
        assertEquals(200, quick.statusCode());
        assertTrue(
                quick.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"),
                "a quick call is answered with plain JSON");

        HttpResponse<String> unknown = HttpMcp.send(new HttpMcp(gw.url(), token)
                .builder()
                .header("Mcp-Session-Id", "no-such-session")
                .header("MCP-Protocol-Version", HttpMcp.PROTOCOL_VERSION)
                .POST(HttpRequest.BodyPublishers.ofString(HttpMcp.json(mcp.request("tools/list", Map.of())))));
        assertEquals(404, unknown.statusCode());

        // Another grant cannot use alice's session id: not found, as if it did not exist.
        String bob = gw.addGrant("bob");
        HttpResponse<String> foreign = HttpMcp.send(HttpRequest.newBuilder(gw.url())
                .header("Authorization", "Bearer " + bob)
                .header("Mcp-Session-Id", session)
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(HttpMcp.json(mcp.request("tools/list", Map.of())))));
        assertEquals(404, foreign.statusCode());

        HttpResponse<String> deleted = HttpMcp.send(mcp.builder().DELETE());
        assertEquals(200, deleted.statusCode());
        assertEquals(404, mcp.post(mcp.request("tools/list", Map.of())).statusCode(), "a deleted session is gone");
    }

    @Test
    void theProtocolVersionHeaderIsCheckedAndOlderClientsAreAccepted() {
        HttpMcp mcp = new HttpMcp(gw.url(), token);
        mcp.initialize();
        HttpResponse<String> unsupported = HttpMcp.send(mcp.builder()
                .setHeader("MCP-Protocol-Version", "2099-01-01")
                .POST(HttpRequest.BodyPublishers.ofString(HttpMcp.json(mcp.request("tools/list", Map.of())))));
        assertEquals(400, unsupported.statusCode());
        assertTrue(unsupported.body().contains("2099-01-01"));

        for (String version : List.of("2025-06-18", "2025-03-26")) {
            HttpMcp older = new HttpMcp(gw.url(), token);
            HttpResponse<String> init = older.post(older.request(
                    "initialize",
                    Map.of(
                            "protocolVersion",
                            version,
                            "capabilities",
                            Map.of(),
                            "clientInfo",
                            Map.of("name", "old", "version", "1"))));
            assertEquals(200, init.statusCode());
            assertEquals(
                    version,
                    HttpMcp.messages(init)
                            .get(0)
                            .get("result")
                            .get("protocolVersion")
                            .asText());
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpRequest.Builder list = HttpRequest.newBuilder(gw.url())
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json, text/event-stream")
                    .header("Content-Type", "application/json")
                    .header("Mcp-Session-Id", session);
            if (!version.equals("2025-03-26")) {
                list.header("MCP-Protocol-Version", version); // 2025-03-26 clients send no such header
            }
            assertEquals(
                    200,
                    HttpMcp.send(list.POST(HttpRequest.BodyPublishers.ofString(
                                    HttpMcp.json(older.request("tools/list", Map.of())))))
                            .statusCode(),
                    version);
        }
    }

    @Test
    void aGetOpensTheNotificationStream() throws Exception {
        HttpMcp mcp = new HttpMcp(gw.url(), token);
        mcp.initialize();
        HttpResponse<InputStream> stream = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(gw.url())
                                .header("Authorization", "Bearer " + token)
                                .header("Mcp-Session-Id", mcp.sessionId())
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream())
                .get(30, TimeUnit.SECONDS);
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        stream.body().close();
    }

    @Test
    void anIdleSessionExpiresAndThenGets404() throws Exception {
        gw.close();
        gw = HttpTestGateway.start(dataDir, Map.of("LLM_GATEWAY_HTTP_SESSION_IDLE_MS", "200"), clock);
        HttpMcp mcp = new HttpMcp(gw.url(), token);
        mcp.initialize();
        // Every probe is activity, so each waits longer than the one before: one wait outlasts two sweeps.
        int status = 200;
        for (long wait = 250; status != 404 && wait <= 16_000; wait *= 2) {
            Thread.sleep(wait);
            status = mcp.post(mcp.request("tools/list", Map.of())).statusCode();
        }
        assertEquals(404, status, "the idle session was ended");
    }

    @Test
    void aRevokedTokenIsRefusedOnTheNextRequest() {
        HttpMcp mcp = new HttpMcp(gw.url(), token);
        mcp.initialize();
        assertTrue(mcp.call("session_list", Map.of()).get("success").asBoolean());
        gw.revoke("alice");
        assertEquals(
                401,
                mcp.post(mcp.request("tools/call", Map.of("name", "session_list", "arguments", Map.of())))
                        .statusCode());
        String again = gw.addGrant("alice");
        assertNotEquals(token, again, "a new grant of the same name has a new token");
        assertEquals(401, new HttpMcp(gw.url(), token).post(Map.of()).statusCode(), "the old token stays refused");
        assertEquals(
                200,
                new HttpMcp(gw.url(), again)
                        .post(new HttpMcp(gw.url(), again)
                                .request(
                                        "initialize",
                                        Map.of(
                                                "protocolVersion",
                                                HttpMcp.PROTOCOL_VERSION,
                                                "capabilities",
                                                Map.of(),
                                                "clientInfo",
                                                Map.of("name", "t", "version", "1"))))
                        .statusCode());
    }

    @Test
    void anExpiredTokenIsRefusedLikeARevokedOne() {
        String expiring = HttpTestGateway.addGrant(dataDir, "temp", 1L, clock);
        HttpMcp mcp = new HttpMcp(gw.url(), expiring);
        mcp.initialize();
        clock.advance(Duration.ofDays(1).minusSeconds(1));
        assertTrue(mcp.call("session_list", Map.of()).get("success").asBoolean(), "valid until the end of its day");
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> expired =
                mcp.post(mcp.request("tools/call", Map.of("name", "session_list", "arguments", Map.of())));
        assertEquals(401, expired.statusCode());
        assertTrue(
                expired.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
    }

    @Test
    void aNonLoopbackAddressWithoutAnyWayInRefusesToStart() throws Exception {
        gw.revoke("alice");
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> HttpTestGateway.start(dataDir, Map.of("LLM_GATEWAY_HTTP_HOST", "0.0.0.0"), clock));
        assertTrue(refused.getMessage().contains("grant add"), refused.getMessage());
    }
}
