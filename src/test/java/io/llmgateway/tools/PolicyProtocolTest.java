package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import io.llmgateway.support.SpecialFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Policy enforcement through the real stdio transport, with an injected clock (no sleeping). */
class PolicyProtocolTest {
    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:48Z"));

    private InProcessGateway start(String policyJson) throws Exception {
        Path policy = dataDir.resolve("policy.json");
        Files.writeString(policy, policyJson);
        InProcessGateway gw = new InProcessGateway(
                InProcessGateway.config(dataDir),
                new JsonFileSessionStore(dataDir, clock),
                clock,
                Map.of("LLM_GATEWAY_POLICY", policy.toString()));
        gw.client.initialize();
        return gw;
    }

    private static Set<String> listedTools(InProcessGateway gw) {
        Set<String> names = new HashSet<>();
        gw.client
                .request("tools/list", Map.of())
                .get("result")
                .get("tools")
                .forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    @Test
    void hiddenToolsAreAbsentFromToolsListAndDeniedWhenCalled() throws Exception {
        try (InProcessGateway gw = start(
                "{\"version\":\"1\",\"default\":\"allow\",\"hide\":[\"session_delete\",\"session_clear_all\"]}")) {
            Set<String> names = listedTools(gw);
            assertFalse(names.contains("session_delete"));
            assertFalse(names.contains("session_clear_all"));
            assertTrue(names.contains("session_create"));
            JsonNode denied = gw.client.callTool("session_clear_all", Map.of());
            assertDenied(denied, "policy_denied");
        }
    }

    @Test
    void defaultDenyAllowsOnlyListedTools() throws Exception {
        try (InProcessGateway gw = start("{\"version\":\"1\",\"default\":\"deny\",\"tools\":{\"session_list\":{}}}")) {
            assertFalse(
                    gw.client.callTool("session_list", Map.of()).get("isError").asBoolean());
            JsonNode denied = gw.client.callTool("session_create", Map.of("cli", "claude"));
            assertDenied(denied, "policy_denied");
            assertEquals("/default", denied.get("structuredContent").get("rule").asText());
        }
    }

    @Test
    void argumentPredicatesDecide() throws Exception {
        try (InProcessGateway gw = start("{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_create\":{"
                + "\"deny_if\":[{\"path\":\"args.cli\",\"op\":\"eq\",\"value\":\"devin\"}],"
                + "\"require\":[{\"path\":\"args.description\",\"op\":\"exists\"}]}}}")) {
            assertDenied(gw.client.callTool("session_create", Map.of("cli", "claude")), "policy_denied");
            assertDenied(
                    gw.client.callTool("session_create", Map.of("cli", "devin", "description", "x")), "policy_denied");
            assertFalse(gw.client
                    .callTool("session_create", Map.of("cli", "claude", "description", "x"))
                    .get("isError")
                    .asBoolean());
        }
    }

    @Test
    void limitOfThreePerMinuteAllowsExactlyThreeWithCorrectRetryAfterAndHotReload() throws Exception {
        try (InProcessGateway gw = start(
                "{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_set_active\":{\"limits\":"
                        + "[{\"counter\":\"session_set_active_rate\",\"window\":\"minute\",\"max\":3,\"scope\":\"grant\"}]}}}")) {
            Map<String, Object> args = new java.util.HashMap<>();
            args.put("cli", "claude");
            args.put("sessionId", null);
            for (int i = 0; i < 3; i++) {
                assertFalse(
                        gw.client
                                .callTool("session_set_active", args)
                                .get("isError")
                                .asBoolean(),
                        "call " + (i + 1));
            }
            JsonNode limited = gw.client.callTool("session_set_active", args);
            assertDenied(limited, "rate_limited");
            JsonNode sc = limited.get("structuredContent");
            assertEquals(
                    "/tools/session_set_active/limits/session_set_active_rate",
                    sc.get("rule").asText());
            assertEquals(12, sc.get("retryAfterSeconds").asInt(), "10:00:48 -> the next minute starts in 12 s");

            clock.advance(Duration.ofSeconds(12));
            assertFalse(
                    gw.client
                            .callTool("session_set_active", args)
                            .get("isError")
                            .asBoolean(),
                    "new window");

            // Hot reload: tighten the policy on disk; the counter already holds 1 call in this window.
            Files.writeString(
                    dataDir.resolve("policy.json"),
                    "{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_set_active\":{\"limits\":"
                            + "[{\"counter\":\"session_set_active_rate\",\"window\":\"minute\",\"max\":1,\"scope\":\"grant\"}]}},\"hide\":[\"session_get\"]}");
            clock.advance(Duration.ofSeconds(1));
            assertDenied(gw.client.callTool("session_set_active", args), "rate_limited");
            assertFalse(listedTools(gw).contains("session_get"));
        }
    }

    /** The bound only turns a hang (a server thread blocked on the policy file) into a failure. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPolicyFileSwappedForAFifoOrADeviceKeepsServingTheLastGoodPolicyAndHealthSaysWhy() throws Exception {
        try (InProcessGateway gw = start("{\"version\":\"1\",\"default\":\"allow\",\"hide\":[\"session_delete\"]}")) {
            Path policy = dataDir.resolve("policy.json");
            SpecialFiles.swapInFifo(policy);
            clock.advance(Duration.ofSeconds(1));
            assertServesTheLastGoodPolicy(gw, "policy.json is a FIFO (named pipe), not a regular file");

            SpecialFiles.swapInLink(policy, Path.of("/dev/zero"));
            clock.advance(Duration.ofSeconds(1));
            assertServesTheLastGoodPolicy(gw, "policy.json is a character device, not a regular file");

            Path edit = dataDir.resolve("policy.json.edit");
            Files.writeString(edit, "{\"version\":\"1\",\"default\":\"allow\"}");
            Files.move(edit, policy, StandardCopyOption.ATOMIC_MOVE);
            clock.advance(Duration.ofSeconds(1));
            assertTrue(listedTools(gw).contains("session_delete"), "a regular file again is read as usual");
            JsonNode health = health(gw);
            assertTrue(health.get("policy").get("rejectedEdit").isNull(), health.toString());
            assertFalse(health.get("warnings").toString().contains("policy.json is"), health.toString());
        }
    }

    private static void assertServesTheLastGoodPolicy(InProcessGateway gw, String problem) {
        assertFalse(listedTools(gw).contains("session_delete"), "the last good policy still hides it");
        assertFalse(gw.client.callTool("session_list", Map.of()).get("isError").asBoolean());
        assertDenied(gw.client.callTool("session_delete", Map.of("sessionId", "gw-x")), "policy_denied");
        JsonNode health = health(gw);
        assertTrue(health.get("policy").get("rejectedEdit").asText().startsWith(problem), health.toString());
        assertTrue(health.get("warnings").toString().contains(problem), health.toString());
    }

    @Test
    void aCounterForgedBelowZeroCountsAsFullForItsWindowAndHealthNamesIt() throws Exception {
        String key = "lists/60/" + Instant.parse("2026-11-22T10:00:00Z").getEpochSecond();
        Files.writeString(
                dataDir.resolve("policy-counters.json"), "{\"version\":1,\"counters\":{\"" + key + "\":-1000000}}");
        try (InProcessGateway gw =
                start("{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_list\":{\"limits\":"
                        + "[{\"counter\":\"lists\",\"window\":\"minute\",\"max\":3}]}}}")) {
            JsonNode limited = gw.client.callTool("session_list", Map.of());
            assertDenied(limited, "rate_limited");
            assertEquals(
                    12,
                    limited.get("structuredContent").get("retryAfterSeconds").asInt());
            String warnings = health(gw).get("warnings").toString();
            assertTrue(
                    warnings.contains("policy counters: policy-counters.json entry \\\"" + key + "\\\" holds -1000000"),
                    warnings);

            clock.advance(Duration.ofSeconds(12));
            assertFalse(
                    gw.client.callTool("session_list", Map.of()).get("isError").asBoolean(),
                    "the next window is fresh");
            assertFalse(
                    health(gw).get("warnings").toString().contains("policy counters"),
                    "the damage ended with its window");
        }
    }

    private static JsonNode health(InProcessGateway gw) {
        return gw.client.callTool("llm_process_health", Map.of()).get("structuredContent");
    }

    @Test
    void anInvalidCallIsRefusedAsInvalidEvenWhenTheQuotaIsSpent() throws Exception {
        try (InProcessGateway gw = start(oneSessionCreatePerMinute())) {
            assertFalse(gw.client
                    .callTool("session_create", Map.of("cli", "claude"))
                    .get("isError")
                    .asBoolean());
            assertInvalidParams(gw.client.request(
                    "tools/call", Map.of("name", "session_create", "arguments", Map.of("cli", "no-such-cli"))));
        }
    }

    @Test
    void fiftyInvalidCallsAtOnceAreAllInvalidAndCostNoQuota() throws Exception {
        try (InProcessGateway gw =
                start("{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_create\":{\"limits\":"
                        + "[{\"counter\":\"creates\",\"window\":\"minute\",\"max\":3}]}}}")) {
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ids.add(gw.client.send("tools/call", Map.of("name", "session_create", "arguments", Map.of("cli", 42))));
            }
            for (int id : ids) {
                assertInvalidParams(gw.client.awaitResponse(id));
            }
            for (int i = 0; i < 3; i++) {
                assertFalse(
                        gw.client
                                .callTool("session_create", Map.of("cli", "claude"))
                                .get("isError")
                                .asBoolean(),
                        "the invalid calls left the quota untouched; call " + (i + 1));
            }
            assertDenied(gw.client.callTool("session_create", Map.of("cli", "claude")), "rate_limited");
        }
    }

    @Test
    void aCallRefusedByDomainValidationCostsNoQuota() throws Exception {
        try (InProcessGateway gw =
                start("{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_list\":{\"limits\":"
                        + "[{\"counter\":\"lists\",\"window\":\"minute\",\"max\":1}]}}}")) {
            JsonNode invalid = gw.client.callTool("session_list", Map.of("limit", 0));
            assertTrue(invalid.get("isError").asBoolean(), invalid.toString());
            assertEquals(
                    "invalid_argument",
                    invalid.get("structuredContent").get("errorCode").asText());
            assertFalse(
                    gw.client.callTool("session_list", Map.of()).get("isError").asBoolean(),
                    "the refused call did not use the one call per minute");
        }
    }

    @Test
    void aDeniedToolIsDeniedBeforeItsArgumentsAreLookedAt() throws Exception {
        try (InProcessGateway gw = start("{\"version\":\"1\",\"default\":\"deny\",\"hide\":[\"*\"]}")) {
            assertDenied(gw.client.callTool("session_create", Map.of("cli", 42)), "policy_denied");
        }
    }

    private static String oneSessionCreatePerMinute() {
        return "{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_create\":{\"limits\":"
                + "[{\"counter\":\"creates\",\"window\":\"minute\",\"max\":1}]}}}";
    }

    private static void assertInvalidParams(JsonNode response) {
        assertTrue(response.has("error"), response.toString());
        assertEquals(-32602, response.get("error").get("code").asInt(), response.toString());
    }

    static void assertDenied(JsonNode result, String code) {
        assertTrue(result.get("isError").asBoolean(), result.toString());
        assertTrue(result.get("content").get(0).get("text").asText().startsWith("[POLICY DENIED]"), result.toString());
        assertEquals(code, result.get("structuredContent").get("errorCode").asText());
        assertFalse(result.get("structuredContent").get("success").asBoolean());
        assertTrue(result.get("structuredContent").has("rule"));
        assertTrue(result.get("structuredContent").has("retryAfterSeconds"));
    }
}
