package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions imported from the original gateway's sessions.json are used by their bare ids, by every tool. */
class ImportedSessionsProtocolTest {
    /** From the 2.11.1 fixture: claude's active session, and gemini's (no pointer). */
    private static final String CLAUDE = "b32203c8-5438-4b53-b383-fba8a1d7c7d3";

    private static final String GEMINI = "9258c4d6-f43e-4d04-8a91-30d274b72f89";

    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path work;

    private FakeClis fakes;
    private InProcessGateway gw;

    @BeforeEach
    void start() throws IOException {
        try (InputStream in = JsonFileSessionStore.class.getResourceAsStream("original-sessions-2.11.1.json")) {
            Files.write(dataDir.resolve("sessions.json"), in.readAllBytes());
        }
        fakes = FakeClis.in(state);
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, fakes.environment()), new JsonFileSessionStore(dataDir, clock), clock);
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void aRequestWithAnImportedSessionsBareIdRunsUnderThatSessionAndThenContinuesItsConversation() {
        JsonNode first = gw.client.callTool(
                "claude_request", Map.of("prompt", "start", "sessionId", CLAUDE, "workingDir", work.toString()));
        assertFalse(first.get("isError").asBoolean(), first::toString);
        assertEquals(CLAUDE, first.get("structuredContent").get("sessionId").asText());
        String conversation =
                first.get("structuredContent").get("nativeSessionId").asText();
        assertTrue(
                fakes.lastArgs(ProviderId.CLAUDE).stream().noneMatch(a -> a.startsWith("--resume")),
                "the original never recorded a conversation for it, so the first request starts one");
        JsonNode second = gw.client.callTool(
                "claude_request", Map.of("prompt", "go on", "sessionId", CLAUDE, "workingDir", work.toString()));
        assertFalse(second.get("isError").asBoolean(), second::toString);
        List<String> argv = fakes.lastArgs(ProviderId.CLAUDE);
        assertTrue(argv.contains("--resume=" + conversation), argv.toString());
        JsonNode session = gw.client
                .callTool("session_get", Map.of("sessionId", CLAUDE))
                .get("structuredContent")
                .get("session");
        assertEquals("refactor auth", session.get("description").asText());
        assertEquals("2026-12-03T08:00:00Z", session.get("lastUsedAt").asText(), session.toString());
    }

    @Test
    void anImportedSessionOfAnotherProviderIsAMismatchNotANativeId() {
        JsonNode result = gw.client.callTool(
                "codex_request", Map.of("prompt", "x", "sessionId", CLAUDE, "workingDir", work.toString()));
        assertTrue(result.get("isError").asBoolean(), result::toString);
        assertEquals(
                "provider_mismatch",
                result.get("structuredContent").get("errorCode").asText(),
                result.toString());
        assertFalse(fakes.hasRun(ProviderId.CODEX), "nothing ran");
    }

    @Test
    void sessionToolsTakeBareIdsAndNewSessionsAreGatewayIds() {
        JsonNode set = gw.client.callTool("session_set_active", Map.of("cli", "gemini", "sessionId", GEMINI));
        assertFalse(set.get("isError").asBoolean(), set::toString);
        JsonNode deleted = gw.client.callTool("session_delete", Map.of("sessionId", CLAUDE));
        assertFalse(deleted.get("isError").asBoolean(), deleted::toString);
        JsonNode created = gw.client.callTool("session_create", Map.of("cli", "claude"));
        assertTrue(created.get("structuredContent")
                .get("session")
                .get("id")
                .asText()
                .startsWith("gw-"));
        JsonNode list = gw.client.callTool("session_list", Map.of()).get("structuredContent");
        assertEquals(4, list.get("total").asInt(), list.toString());
        assertEquals(GEMINI, list.get("activeSessions").get("gemini").asText());
    }
}
