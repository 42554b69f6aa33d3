package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every session tool and error code through the real stdio transport. */
class SessionToolsProtocolTest {
    @TempDir
    Path dataDir;

    private InProcessGateway gw;

    @BeforeEach
    void start() {
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir),
                new InMemorySessionStore(),
                new MutableClock(Instant.parse("2026-11-22T10:00:00Z")));
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        gw.close();
        assertTrue(gw.client.nonJsonRpcLines().isEmpty());
    }

    @Test
    void listsTheSixToolsWithContractAnnotationsAndSchemas() {
        JsonNode tools = gw.client.request("tools/list", Map.of()).get("result").get("tools");
        Map<String, String> hints = new HashMap<>();
        for (JsonNode t : tools) {
            JsonNode a = t.get("annotations");
            hints.put(
                    t.get("name").asText(),
                    flag(a, "readOnlyHint")
                            + flag(a, "destructiveHint")
                            + flag(a, "idempotentHint")
                            + flag(a, "openWorldHint"));
            assertTrue(t.get("description").asText().length() <= 1000);
            assertEquals(
                    "object",
                    t.get("outputSchema").get("type").asText(),
                    t.get("name").asText());
            assertFalse(
                    t.get("inputSchema").get("additionalProperties").asBoolean(true),
                    t.get("name").asText());
        }
        assertEquals("FFFF", hints.get("session_create"));
        assertEquals("TFTF", hints.get("session_list"));
        assertEquals("TFTF", hints.get("session_get"));
        assertEquals("FFTF", hints.get("session_set_active"));
        assertEquals("FTTF", hints.get("session_delete"));
        assertEquals("FTTF", hints.get("session_clear_all"));
    }

    private static String flag(JsonNode annotations, String name) {
        return annotations.get(name).asBoolean() ? "T" : "F";
    }

    @Test
    void sessionLifecycleEndToEnd() {
        JsonNode created = gw.client.callTool("session_create", Map.of("cli", "claude", "description", "refactor"));
        assertFalse(created.get("isError").asBoolean());
        JsonNode session = created.get("structuredContent").get("session");
        String id = session.get("id").asText();
        assertTrue(id.startsWith("gw-"));
        assertTrue(session.get("isActive").asBoolean());
        assertEquals("local", session.get("ownerPrincipal").asText(), "stdio is the original's local principal");
        assertEquals(
                created.get("structuredContent").toString(),
                created.get("content").get(0).get("text").asText(),
                "the text block mirrors structuredContent as compact JSON");

        JsonNode got =
                gw.client.callTool("session_get", Map.of("sessionId", id)).get("structuredContent");
        assertEquals("refactor", got.get("session").get("description").asText());
        assertTrue(got.get("session").get("metadata").isObject());

        JsonNode list =
                gw.client.callTool("session_list", Map.of("cli", "claude")).get("structuredContent");
        assertEquals(1, list.get("total").asInt());
        assertEquals(id, list.get("activeSessions").get("claude").asText());
        assertTrue(list.get("activeSessions").get("cursor").isNull());
        assertEquals(7, list.get("activeSessions").size());

        JsonNode cleared = gw.client
                .callTool("session_set_active", nullableArgs("cli", "claude", "sessionId", null))
                .get("structuredContent");
        assertEquals(id, cleared.get("previousActiveSessionId").asText());
        assertTrue(cleared.get("activeSessionId").isNull());
        JsonNode set = gw.client
                .callTool("session_set_active", Map.of("cli", "claude", "sessionId", id))
                .get("structuredContent");
        assertEquals(id, set.get("activeSessionId").asText());

        JsonNode deleted =
                gw.client.callTool("session_delete", Map.of("sessionId", id)).get("structuredContent");
        assertEquals(id, deleted.get("deletedSession").get("id").asText());
        assertTrue(deleted.get("wasActive").asBoolean());

        gw.client.callTool("session_create", Map.of("cli", "codex"));
        gw.client.callTool("session_create", Map.of("cli", "gemini", "setAsActive", false));
        JsonNode clearedCodex =
                gw.client.callTool("session_clear_all", Map.of("cli", "codex")).get("structuredContent");
        assertEquals(1, clearedCodex.get("deletedCount").asInt());
        assertEquals("codex", clearedCodex.get("cli").asText());
        JsonNode clearedAll = gw.client.callTool("session_clear_all", Map.of()).get("structuredContent");
        assertEquals(1, clearedAll.get("deletedCount").asInt());
        assertEquals("all", clearedAll.get("cli").asText());
    }

    @Test
    void domainErrorsAreIsErrorResultsWithCodes() {
        assertErrorCode(gw.client.callTool("session_get", Map.of("sessionId", "gw-unknown")), "session_not_found");
        assertErrorCode(gw.client.callTool("session_delete", Map.of("sessionId", "bad id!")), "invalid_argument");
        assertErrorCode(gw.client.callTool("session_get", Map.of("sessionId", "a".repeat(129))), "invalid_argument");
        assertErrorCode(
                gw.client.callTool("session_create", Map.of("cli", "claude", "description", "d".repeat(1001))),
                "invalid_argument");
        assertErrorCode(gw.client.callTool("session_list", Map.of("limit", 1001)), "invalid_argument");
        assertErrorCode(gw.client.callTool("session_list", Map.of("limit", 0)), "invalid_argument");
        String gemini = gw.client
                .callTool("session_create", Map.of("cli", "gemini"))
                .get("structuredContent")
                .get("session")
                .get("id")
                .asText();
        JsonNode mismatch = gw.client.callTool("session_set_active", Map.of("cli", "claude", "sessionId", gemini));
        assertErrorCode(mismatch, "provider_mismatch");
        assertTrue(mismatch.get("structuredContent").get("error").asText().contains("gemini"));
    }

    @Test
    void schemaViolationsAreJsonRpcInvalidParams() {
        Set<String> messages = new HashSet<>();
        for (Map<String, Object> args : new Map[] {
            Map.of("cli", "claude", "unexpected", 1),
            Map.of("cli", "not-a-provider"),
            Map.of("cli", 5),
            Map.of("cli", "claude", "setAsActive", "yes"),
            Map.of()
        }) {
            JsonNode response = gw.client.request("tools/call", Map.of("name", "session_create", "arguments", args));
            assertEquals(-32602, response.get("error").get("code").asInt(), args.toString());
            messages.add(response.get("error").get("message").asText());
        }
        assertEquals(5, messages.size(), "each violation names its own problem: " + messages);
        JsonNode unknownTool = gw.client.request("tools/call", Map.of("name", "no_such_tool", "arguments", Map.of()));
        assertEquals(-32602, unknownTool.get("error").get("code").asInt());
        assertEquals(
                -32601,
                gw.client
                        .request("no/such/method", Map.of())
                        .get("error")
                        .get("code")
                        .asInt());
    }

    @Test
    void hugeStringsAndNulBytesAreRejectedCleanly() {
        assertErrorCode(
                gw.client.callTool("session_create", Map.of("cli", "claude", "description", "x".repeat(2_000_000))),
                "invalid_argument");
        assertErrorCode(
                gw.client.callTool("session_create", Map.of("cli", "claude", "description", "a\u0000b")),
                "invalid_argument");
        assertErrorCode(gw.client.callTool("session_get", Map.of("sessionId", "gw-\u0000")), "invalid_argument");
        assertEquals(
                0,
                gw.client
                        .callTool("session_list", Map.of())
                        .get("structuredContent")
                        .get("total")
                        .asInt(),
                "nothing was stored by rejected calls");
    }

    private static Map<String, Object> nullableArgs(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static void assertErrorCode(JsonNode result, String code) {
        assertTrue(result.get("isError").asBoolean(), result.toString());
        JsonNode sc = result.get("structuredContent");
        assertFalse(sc.get("success").asBoolean());
        assertEquals(code, sc.get("errorCode").asText(), sc.toString());
        assertFalse(sc.get("error").asText().isBlank());
    }
}
