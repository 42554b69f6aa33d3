package io.llmgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionService;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.HttpMcp;
import io.llmgateway.support.HttpTestGateway;
import io.llmgateway.support.Survivors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two grants on one gateway: each sees only its own sessions and jobs, in every session tool, the request
 * tools, every job tool, the health report and the resources; the other's are "not found". Records made
 * over stdio (grant local) are invisible to both.
 */
class HttpIsolationTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    private HttpTestGateway gw;
    private HttpMcp alice;
    private HttpMcp bob;
    private String localSession;

    @BeforeEach
    void start() throws Exception {
        try (JsonFileSessionStore store = new JsonFileSessionStore(dataDir, Clock.systemUTC())) {
            localSession = new SessionService(store, Clock.systemUTC(), Duration.ofDays(30))
                    .create(Principal.LOCAL, ProviderId.GEMINI, "made over stdio", true)
                    .record()
                    .id();
        }
        FakeClis fakes = FakeClis.in(state);
        Path slow = Path.of(HttpIsolationTest.class
                .getResource("/io/llmgateway/job/slow-cli")
                .toURI());
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("LLM_GATEWAY_CODEX_COMMAND", slow.toString());
        env.put("SLOW_CLI_TARGET", fakes.executable(ProviderId.CODEX).toString());
        String aliceToken = HttpTestGateway.addGrant(dataDir, "alice", null, Clock.systemUTC());
        String bobToken = HttpTestGateway.addGrant(dataDir, "bob", null, Clock.systemUTC());
        gw = HttpTestGateway.start(dataDir, env, Clock.systemUTC());
        alice = new HttpMcp(gw.url(), aliceToken);
        alice.initialize();
        bob = new HttpMcp(gw.url(), bobToken);
        bob.initialize();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (HttpMcp client : List.of(alice, bob)) {
            for (JsonNode job : client.call("llm_job_list", Map.of()).get("jobs")) {
                if (List.of("queued", "running").contains(job.get("status").asText())) {
                    client.call(
                            "llm_job_cancel", Map.of("jobId", job.get("jobId").asText()));
                }
            }
        }
        gw.close();
        assertEquals(List.of(), Survivors.afterGracePeriod(), "no process survives");
    }

    private static void assertNotFound(JsonNode result, String code) {
        assertFalse(result.get("success").asBoolean(), result.toString());
        assertEquals(code, result.get("errorCode").asText(), result.toString());
    }

    @Test
    void theFlightRecorderShowsAndCountsOnlyTheCallersRequests() throws Exception {
        alice.call("claude_request", Map.of("prompt", "alice asks", "correlationId", "same-correlation"));
        JsonNode bobsLookup = bob.call("llm_request_result", Map.of("correlationId", "same-correlation"));
        assertFalse(bobsLookup.get("success").asBoolean(), bobsLookup.toString());
        assertEquals(
                0, bob.call("llm_usage", Map.of()).get("totals").get("requests").asInt());

        bob.call("claude_request", Map.of("prompt", "bob asks too", "correlationId", "same-correlation"));
        JsonNode alices = alice.call("llm_request_result", Map.of("correlationId", "same-correlation"))
                .get("request");
        assertEquals("alice", alices.get("ownerPrincipal").asText());
        assertEquals("alice asks".length(), alices.get("promptChars").asInt());
        JsonNode bobs = bob.call("llm_request_result", Map.of("correlationId", "same-correlation"))
                .get("request");
        assertEquals("bob", bobs.get("ownerPrincipal").asText());
        assertEquals("bob asks too".length(), bobs.get("promptChars").asInt());
        assertEquals(
                1,
                alice.call("llm_usage", Map.of()).get("totals").get("requests").asInt());
        JsonNode read = HttpMcp.messages(bob.post(bob.request("resources/read", Map.of("uri", "metrics://usage"))))
                .get(0);
        JsonNode metrics = Json.newMapper()
                .readTree(read.get("result").get("contents").get(0).get("text").asText());
        assertEquals(1, metrics.get("totals").get("requests").asInt(), metrics.toString());
    }

    @Test
    void everySessionToolSeesOnlyTheCallersSessions() {
        JsonNode alicesSession = alice.call("session_create", Map.of("cli", "claude", "description", "alice's"))
                .get("session");
        assertEquals("alice", alicesSession.get("ownerPrincipal").asText());
        String mine = alicesSession.get("id").asText();

        assertNotFound(bob.call("session_get", Map.of("sessionId", mine)), "session_not_found");
        assertNotFound(bob.call("session_get", Map.of("sessionId", localSession)), "session_not_found");
        assertEquals(
                bob.call("session_get", Map.of("sessionId", "gw-does-not-exist"))
                        .get("error")
                        .asText()
                        .replace("gw-does-not-exist", mine),
                bob.call("session_get", Map.of("sessionId", mine)).get("error").asText(),
                "another grant's session reads exactly like one that does not exist");
        JsonNode bobsList = bob.call("session_list", Map.of());
        assertEquals(0, bobsList.get("total").asInt());
        assertTrue(bobsList.get("activeSessions").get("claude").isNull(), "alice's active session is not bob's");
        assertNotFound(bob.call("session_set_active", Map.of("cli", "claude", "sessionId", mine)), "session_not_found");
        assertNotFound(bob.call("session_delete", Map.of("sessionId", mine)), "session_not_found");
        assertEquals(
                0, bob.call("session_clear_all", Map.of()).get("deletedCount").asInt());

        String bobs = bob.call("session_create", Map.of("cli", "claude"))
                .get("session")
                .get("id")
                .asText();
        assertEquals(
                bobs,
                bob.call("session_list", Map.of())
                        .get("activeSessions")
                        .get("claude")
                        .asText(),
                "bob has an active pointer of his own");
        JsonNode alicesList = alice.call("session_list", Map.of());
        assertEquals(1, alicesList.get("total").asInt(), "alice's session survived bob's clear_all: " + alicesList);
        assertEquals(mine, alicesList.get("sessions").get(0).get("id").asText());
        assertEquals(
                mine, alicesList.get("activeSessions").get("claude").asText(), "bob's create left alice's pointer");
        assertTrue(alicesList.get("activeSessions").get("gemini").isNull(), "the stdio session's pointer is local's");
        assertEquals(
                1, alice.call("session_clear_all", Map.of()).get("deletedCount").asInt());
        assertEquals(1, bob.call("session_list", Map.of()).get("total").asInt());
    }

    @Test
    void requestToolsContinueOnlyTheCallersConversations() {
        JsonNode first = alice.call("claude_request", Map.of("prompt", "hello from alice"));
        String session = first.get("sessionId").asText();
        String nativeId = first.get("nativeSessionId").asText();

        assertNotFound(bob.call("claude_request", Map.of("prompt", "hi", "sessionId", session)), "session_not_found");
        assertNotFound(bob.call("claude_request", Map.of("prompt", "hi", "sessionId", nativeId)), "session_not_found");
        assertNotFound(bob.call("claude_request", Map.of("prompt", "hi", "resumeLatest", true)), "invalid_argument");
        JsonNode bobs = bob.call("claude_request", Map.of("prompt", "hello from bob"));
        assertFalse(bobs.get("resumed").asBoolean(), "bob starts his own conversation");
        assertNotEquals(session, bobs.get("sessionId").asText());

        alice.call("session_set_active", Map.of("cli", "claude", "sessionId", session));
        JsonNode again = alice.call("claude_request", Map.of("prompt", "and again"));
        assertTrue(again.get("resumed").asBoolean(), "alice continues her active session");
        assertEquals(session, again.get("sessionId").asText());
        JsonNode bobAgain = bob.call("claude_request", Map.of("prompt", "bob again"));
        assertNotEquals(session, bobAgain.get("sessionId").asText(), "alice's active session is not bob's");
    }

    @Test
    void jobToolsHealthAndResourcesSeeOnlyTheCallersJobs() throws Exception {
        JsonNode submitted = alice.call("codex_request_async", Map.of("prompt", "SLOW=30 long task"));
        String job = submitted.get("jobId").asText();
        String jobSession = submitted.get("sessionId").asText();

        assertNotFound(bob.call("llm_job_status", Map.of("jobId", job)), "job_not_found");
        assertNotFound(bob.call("llm_job_result", Map.of("jobId", job)), "job_not_found");
        assertNotFound(bob.call("llm_job_cancel", Map.of("jobId", job)), "job_not_found");
        assertEquals(0, bob.call("llm_job_list", Map.of()).get("total").asInt());
        assertEquals(
                "running",
                alice.call("llm_job_status", Map.of("jobId", job)).get("status").asText(),
                "bob's cancel did not touch it");
        assertTrue(
                bob.call("llm_process_health", Map.of()).get("jobs").toString().indexOf(job) < 0,
                "the health report shows bob none of alice's jobs");
        assertTrue(alice.call("llm_process_health", Map.of())
                .get("jobs")
                .toString()
                .contains(job));

        JsonNode duplicate = bob.call("codex_request_async", Map.of("prompt", "SLOW=30 long task"));
        assertFalse(duplicate.get("deduplicated").asBoolean(), "an identical request of another grant is its own job");
        assertNotEquals(job, duplicate.get("jobId").asText());
        assertEquals(1, bob.call("llm_job_list", Map.of()).get("total").asInt());

        JsonNode bobsSessions = read(bob, "sessions://all");
        assertFalse(bobsSessions.toString().contains(jobSession), bobsSessions.toString());
        assertFalse(bobsSessions.toString().contains(localSession));
        assertFalse(read(bob, "sessions://codex").toString().contains(jobSession));
        JsonNode bobsJobs = read(bob, "jobs://recent");
        assertEquals(1, bobsJobs.get("total").asInt());
        assertFalse(bobsJobs.toString().contains(job));
        assertTrue(read(alice, "jobs://recent").toString().contains(job));
        assertTrue(read(alice, "sessions://all").toString().contains(jobSession));
        assertEquals(
                "canceled",
                alice.call("llm_job_cancel", Map.of("jobId", job)).get("status").asText());
    }

    private static JsonNode read(HttpMcp client, String uri) throws Exception {
        JsonNode response = HttpMcp.messages(client.post(client.request("resources/read", Map.of("uri", uri))))
                .get(0);
        return Json.newMapper()
                .readTree(response.get("result")
                        .get("contents")
                        .get(0)
                        .get("text")
                        .asText());
    }

    @Test
    void aGrantsSessionsAreInvisibleToTheLocalGrant() {
        try (JsonFileSessionStore store = new JsonFileSessionStore(dataDir.resolve("other"), Clock.systemUTC())) {
            SessionService sessions = new SessionService(store, Clock.systemUTC(), Duration.ofDays(30));
            String grantOwned = sessions.create(new Principal("alice"), ProviderId.CLAUDE, null, true)
                    .record()
                    .id();
            assertEquals(
                    0, sessions.list(Principal.LOCAL, Optional.empty(), 10, 0).total());
            assertTrue(sessions.active(Principal.LOCAL, ProviderId.CLAUDE).isEmpty());
            assertEquals(
                    grantOwned,
                    sessions.active(new Principal("alice"), ProviderId.CLAUDE)
                            .orElseThrow()
                            .id());
        }
    }
}
