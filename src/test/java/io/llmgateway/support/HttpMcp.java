package io.llmgateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw Streamable HTTP client (java.net.http) for tests that check status codes and headers: one grant's
 * token, one MCP session. Responses are parsed whether they come as JSON or as an SSE stream.
 */
public final class HttpMcp {
    public static final String PROTOCOL_VERSION = "2025-11-25";
    private static final ObjectMapper MAPPER = Json.newMapper();

    private final URI url;
    private final String token;
    private final AtomicInteger ids = new AtomicInteger();
    /** One per client: a pooled connection must never outlive the gateway (tests reuse ports). */
    private final HttpClient client = newClient();

    private String sessionId;

    public HttpMcp(URI url, String token) {
        this.url = url;
        this.token = token;
    }

    public String sessionId() {
        return sessionId;
    }

    /** initialize + notifications/initialized; keeps the session id. */
    public JsonNode initialize() {
        HttpResponse<String> response = post(request(
                "initialize",
                Map.of(
                        "protocolVersion",
                        PROTOCOL_VERSION,
                        "capabilities",
                        Map.of(),
                        "clientInfo",
                        Map.of("name", "test", "version", "1"))));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("initialize: " + response.statusCode() + " " + response.body());
        }
        sessionId = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> initialized = post(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
        if (initialized.statusCode() != 202) {
            throw new IllegalStateException("initialized: " + initialized.statusCode());
        }
        return messages(response).get(0);
    }

    /** A JSON-RPC request object. */
    public Map<String, Object> request(String method, Map<String, Object> params) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", ids.incrementAndGet());
        request.put("method", method);
        request.put("params", params);
        return request;
    }

    /** tools/call; the result of the response, or fails on a JSON-RPC error. */
    public JsonNode callTool(String name, Map<String, Object> arguments) {
        HttpResponse<String> response = post(request("tools/call", Map.of("name", name, "arguments", arguments)));
        List<JsonNode> messages = messages(response);
        JsonNode last = messages.get(messages.size() - 1);
        if (!last.has("result")) {
            throw new IllegalStateException(name + ": " + last);
        }
        return last.get("result");
    }

    /** The structuredContent of a tools/call. */
    public JsonNode call(String name, Map<String, Object> arguments) {
        return callTool(name, arguments).get("structuredContent");
    }

    public HttpResponse<String> post(Object message) {
        return send(client, builder().POST(HttpRequest.BodyPublishers.ofString(json(message))));
    }

    /** A request with the usual headers (token, session, protocol version, Accept). */
    public HttpRequest.Builder builder() {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (sessionId != null) {
            builder.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", PROTOCOL_VERSION);
        }
        return builder;
    }

    /** One request on a connection of its own. */
    public static HttpResponse<String> send(HttpRequest.Builder request) {
        return send(newClient(), request);
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JSON-RPC messages of a response: its JSON body, or every SSE event's data. */
    public static List<JsonNode> messages(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        List<JsonNode> messages = new ArrayList<>();
        try {
            if (type.startsWith("text/event-stream")) {
                for (String event : response.body().split("\n\n")) {
                    StringBuilder data = new StringBuilder();
                    for (String line : event.split("\n")) {
                        if (line.startsWith("data:")) {
                            data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                        }
                    }
                    if (data.length() > 0) {
                        messages.add(MAPPER.readTree(data.toString()));
                    }
                }
            } else {
                messages.add(MAPPER.readTree(response.body()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }

    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
