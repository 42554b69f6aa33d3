package io.llmgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.HttpMcp;
import io.llmgateway.support.HttpTestGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy over HTTP: limits with {@code scope:"grant"} count per grant, limits without a scope count
 * every grant together, audit lines name the grant, and hidden tools are left out of tools/list.
 */
class HttpPolicyTest {
    private static final Instant START = Instant.parse("2026-12-01T10:00:05Z");

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(START);
    private HttpTestGateway gw;
    private HttpMcp alice;
    private HttpMcp bob;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dataDir.resolve("policy.json"), """
                {"version":"1","default":"allow","hide":["session_clear_all"],
                 "tools":{
                   "session_create":{"limits":[{"counter":"create_rate","window":"minute","max":3,"scope":"grant"}]},
                   "session_list":{"limits":[{"counter":"list_rate","window":"minute","max":4}]}}}
                """);
        String aliceToken = HttpTestGateway.addGrant(dataDir, "alice", null, clock);
        String bobToken = HttpTestGateway.addGrant(dataDir, "bob", null, clock);
        gw = HttpTestGateway.start(dataDir, Map.of(), clock);
        alice = new HttpMcp(gw.url(), aliceToken);
        alice.initialize();
        bob = new HttpMcp(gw.url(), bobToken);
        bob.initialize();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private static JsonNode create(HttpMcp client) {
        return client.call("session_create", Map.of("cli", "claude"));
    }

    @Test
    void aPerGrantLimitOfThreePerMinuteCountsEachGrantApart() {
        for (int i = 0; i < 3; i++) {
            assertTrue(create(alice).get("success").asBoolean(), "alice's call " + (i + 1));
        }
        JsonNode refused = create(alice);
        assertEquals("rate_limited", refused.get("errorCode").asText());
        assertEquals(
                "/tools/session_create/limits/create_rate", refused.get("rule").asText());
        assertEquals(55, refused.get("retryAfterSeconds").asInt(), "the minute window ends at 10:01:00");

        for (int i = 0; i < 3; i++) {
            assertTrue(create(bob).get("success").asBoolean(), "bob has three of his own, call " + (i + 1));
        }
        assertEquals("rate_limited", create(bob).get("errorCode").asText());

        clock.advance(Duration.ofSeconds(55));
        assertTrue(create(alice).get("success").asBoolean(), "a new minute");
        assertTrue(create(bob).get("success").asBoolean());
    }

    @Test
    void aLimitWithoutScopeCountsEveryGrantTogether() {
        assertTrue(alice.call("session_list", Map.of()).get("success").asBoolean());
        assertTrue(alice.call("session_list", Map.of()).get("success").asBoolean());
        assertTrue(bob.call("session_list", Map.of()).get("success").asBoolean());
        assertTrue(bob.call("session_list", Map.of()).get("success").asBoolean());
        assertEquals(
                "rate_limited",
                alice.call("session_list", Map.of()).get("errorCode").asText());
        assertEquals(
                "rate_limited",
                bob.call("session_list", Map.of()).get("errorCode").asText());
    }

    @Test
    void auditLinesNameTheGrant() throws Exception {
        create(alice);
        create(bob);
        List<String> grants = new ArrayList<>();
        for (String line : Files.readAllLines(dataDir.resolve("audit.jsonl"))) {
            JsonNode entry = Json.newMapper().readTree(line);
            if (entry.get("tool").asText().equals("session_create")) {
                grants.add(entry.get("grant").asText());
            }
        }
        assertEquals(List.of("alice", "bob"), grants);
    }

    @Test
    void aResourceWhoseToolThePolicyDeniesIsNotListedNorRead() throws Exception {
        List<String> before = new ArrayList<>();
        HttpMcp.messages(alice.post(alice.request("resources/list", Map.of())))
                .get(0)
                .get("result")
                .get("resources")
                .forEach(r -> before.add(r.get("uri").asText()));
        before.removeIf(uri -> uri.startsWith("models://") || uri.equals("metrics://performance"));
        assertEquals(Set.of("sessions://all", "jobs://recent", "metrics://usage"), Set.copyOf(before));
        Files.writeString(dataDir.resolve("policy.json"), """
                {"version":"1","default":"allow","tools":{"llm_job_list":{"action":"deny"}}}
                """);
        clock.advance(Duration.ofSeconds(1)); // past the policy file's check interval
        List<String> after = new ArrayList<>();
        HttpMcp.messages(alice.post(alice.request("resources/list", Map.of())))
                .get(0)
                .get("result")
                .get("resources")
                .forEach(r -> after.add(r.get("uri").asText()));
        after.removeIf(uri -> uri.startsWith("models://") || uri.equals("metrics://performance"));
        assertEquals(
                Set.of("sessions://all", "metrics://usage"),
                Set.copyOf(after),
                "resources/list over HTTP obeys the policy as over stdio");
        JsonNode denied = HttpMcp.messages(alice.post(alice.request("resources/read", Map.of("uri", "jobs://recent"))))
                .get(0);
        assertTrue(denied.get("error").get("message").asText().startsWith("[POLICY DENIED]"), denied.toString());
    }

    @Test
    void hiddenToolsAreLeftOutOfToolsListAndDenied() {
        List<String> names = new ArrayList<>();
        HttpMcp.messages(alice.post(alice.request("tools/list", Map.of())))
                .get(0)
                .get("result")
                .get("tools")
                .forEach(tool -> names.add(tool.get("name").asText()));
        assertTrue(names.contains("session_create"));
        assertFalse(names.contains("session_clear_all"), names.toString());
        assertEquals(
                "policy_denied",
                alice.call("session_clear_all", Map.of()).get("errorCode").asText());
    }
}
