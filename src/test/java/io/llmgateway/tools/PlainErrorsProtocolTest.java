package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.session.SessionState;
import io.llmgateway.session.SessionStore;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed params of every method the gateway serves, numbers no Java type holds, and internal errors,
 * through the real stdio transport: plain sentences, never Java class names, and the server keeps serving.
 */
class PlainErrorsProtocolTest {
    /** What a message must never show: Java or SDK internals. */
    private static final Pattern INTERNALS = Pattern.compile(
            "java\\.|javax\\.|io\\.modelcontextprotocol|io\\.llmgateway|com\\.fasterxml|Exception|Cannot invoke|"
                    + "Cannot construct|`|\\$|reference chain");

    @TempDir
    Path dataDir;

    private static void assertPlain(String message) {
        assertFalse(INTERNALS.matcher(message).find(), "Java internals in: " + message);
        assertTrue(message.length() > 10, message);
    }

    private static JsonNode error(InProcessGateway gw, String method, String paramsJson, int id) {
        gw.client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}");
        JsonNode response = gw.client.awaitResponse(id);
        assertTrue(response.has("error"), method + " " + paramsJson + " was accepted: " + response);
        return response.get("error");
    }

    @Test
    void malformedParamsOfEveryMethodAreInvalidParamsWithAPlainSentence() {
        try (InProcessGateway gw =
                new InProcessGateway(InProcessGateway.config(dataDir), new InMemorySessionStore(), Clock.systemUTC())) {
            gw.client.initialize();
            List<String[]> cases = List.of(
                    new String[] {"tools/call", null, "name"},
                    new String[] {"tools/call", "{}", "name"},
                    new String[] {"tools/call", "{\"name\":5}", "name"},
                    new String[] {"tools/call", "{\"name\":\"session_list\",\"arguments\":\"x\"}", "arguments"},
                    new String[] {"tools/call", "{\"name\":\"session_list\",\"arguments\":[1]}", "arguments"},
                    new String[] {"tools/call", "{\"name\":\"session_list\",\"_meta\":\"x\"}", "_meta"},
                    new String[] {
                        "tools/call", "{\"name\":\"session_list\",\"_meta\":{\"progressToken\":{}}}", "progressToken"
                    },
                    new String[] {"resources/read", null, "uri"},
                    new String[] {"resources/read", "{\"uri\":{\"a\":1}}", "uri"},
                    new String[] {"resources/list", "{\"cursor\":{}}", "cursor"},
                    new String[] {"resources/templates/list", "{\"cursor\":[]}", "cursor"},
                    new String[] {"tools/list", "{\"cursor\":true}", "cursor"},
                    new String[] {"logging/setLevel", null, "level"},
                    new String[] {"logging/setLevel", "{\"level\":\"loud\"}", "level"},
                    new String[] {"ping", "{\"_meta\":7}", "_meta"},
                    new String[] {"initialize", null, "params"},
                    new String[] {
                        "initialize",
                        "{\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}",
                        "protocolVersion"
                    },
                    new String[] {
                        "initialize",
                        "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":\"x\","
                                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}",
                        "capabilities"
                    },
                    new String[] {
                        "initialize",
                        "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"roots\":5},"
                                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}",
                        "capabilities.roots"
                    });
            int id = 500;
            for (String[] c : cases) {
                JsonNode error = error(gw, c[0], c[1], ++id);
                String message = error.get("message").asText();
                assertEquals(-32602, error.get("code").asInt(), c[0] + " " + c[1] + ": " + error);
                assertTrue(message.contains(c[2]), c[0] + " " + c[1] + " should name '" + c[2] + "': " + message);
                assertPlain(message);
            }
            assertFalse(
                    gw.client.callTool("session_list", Map.of()).get("isError").asBoolean());
            assertTrue(
                    gw.client
                            .request("resources/read", Map.of("uri", "sessions://all"))
                            .has("result"),
                    "still serving, and still initialized");
        }
    }

    @Test
    void numbersOutsideWhatTheToolTakesAreInvalidParams() {
        try (InProcessGateway gw =
                new InProcessGateway(InProcessGateway.config(dataDir), new InMemorySessionStore(), Clock.systemUTC())) {
            gw.client.initialize();
            String nines = "9".repeat(999);
            String[][] cases = {
                {"llm_job_list", "{\"limit\":" + nines + "}", "limit"},
                {"session_list", "{\"offset\":-" + nines + "}", "offset"},
                {"session_list", "{\"limit\":18446744073709551617}", "limit"},
                {"session_list", "{\"limit\":1e300}", "limit"},
                {"claude_request", "{\"prompt\":\"hi\",\"maxBudgetUsd\":1e999}", "maxBudgetUsd"},
                {"claude_request", "{\"prompt\":\"hi\",\"maxTurns\":" + nines + "}", "maxTurns"}
            };
            int id = 700;
            for (String[] c : cases) {
                JsonNode error =
                        error(gw, "tools/call", "{\"name\":\"" + c[0] + "\",\"arguments\":" + c[1] + "}", ++id);
                assertEquals(-32602, error.get("code").asInt(), c[1] + ": " + error);
                String message = error.get("message").asText();
                assertTrue(message.contains("'" + c[2] + "'"), message);
                assertFalse(message.contains("-1,") || message.endsWith("-1"), message);
                assertPlain(message);
            }
            JsonNode limited = gw.client.callTool("session_list", Map.of("limit", 5));
            assertFalse(limited.get("isError").asBoolean(), "an in-range number still works: " + limited);
        }
    }

    /** A store whose every read fails the way a bug would. */
    private static SessionStore brokenStore() {
        return new SessionStore() {
            @Override
            public <T> T read(Function<SessionState, T> query) {
                throw new IllegalStateException("Cannot invoke \"io.llmgateway.Secret.value()\" because it is null");
            }

            @Override
            public <T> T update(Function<SessionState, Transaction<T>> transaction) {
                return read(state -> null);
            }

            @Override
            public List<String> warnings() {
                return List.of();
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void anInternalErrorSaysOnlyThatAndGivesTheCorrelationIdTheLogHasWithTheStackTrace() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String log;
        JsonNode toolError;
        JsonNode resourceError;
        try (InProcessGateway gw =
                new InProcessGateway(InProcessGateway.config(dataDir), brokenStore(), Clock.systemUTC())) {
            gw.client.initialize();
            toolError = gw.client.callTool("session_list", Map.of());
            resourceError = gw.client
                    .request("resources/read", Map.of("uri", "sessions://all"))
                    .get("error");
            assertTrue(gw.client.request("ping", null).has("result"));
        } finally {
            System.setErr(stderr);
            log = captured.toString(StandardCharsets.UTF_8);
        }

        SessionToolsProtocolTest.assertErrorCode(toolError, "internal_error");
        JsonNode content = toolError.get("structuredContent");
        String toolCorrelation = content.get("correlationId").asText();
        assertTrue(content.get("error").asText().contains(toolCorrelation), content.toString());
        assertPlain(content.get("error").asText());

        assertNotNull(resourceError, "resources/read must fail");
        assertEquals(-32603, resourceError.get("code").asInt());
        String resourceCorrelation =
                resourceError.get("data").get("correlationId").asText();
        assertTrue(resourceError.get("message").asText().contains(resourceCorrelation), resourceError.toString());
        assertPlain(resourceError.get("message").asText());
        assertFalse(toolCorrelation.equals(resourceCorrelation));

        for (String correlation : List.of(toolCorrelation, resourceCorrelation)) {
            int at = log.indexOf(correlation);
            assertTrue(at >= 0, "the log names " + correlation + ":\n" + log);
            String entry = log.substring(at);
            assertTrue(
                    entry.contains("io.llmgateway.Secret.value()") && entry.contains("\tat "),
                    "the log has the failure and its stack trace under " + correlation + ":\n" + entry);
        }
    }
}
