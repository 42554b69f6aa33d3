package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resources obey the policy of the tool that shows the same data (session_list, llm_job_list): through
 * the real stdio transport, reads are allowed, denied, counted and audited like that tool's calls, and a
 * denied resource is not listed.
 */
class ResourcePolicyProtocolTest {
    private static final ObjectMapper MAPPER = Json.newMapper();

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:48Z"));
    private Path policy;
    private InProcessGateway gw;

    private void start(String policyJson) throws Exception {
        policy = dataDir.resolve("policy.json");
        Files.writeString(policy, policyJson);
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir),
                new JsonFileSessionStore(dataDir, clock),
                clock,
                Map.of("LLM_GATEWAY_POLICY", policy.toString()));
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void underDefaultDenyAndHideAllNoResourceIsListedOrRead() throws Exception {
        start("{\"version\":\"1\",\"default\":\"allow\"}");
        gw.client.callTool("session_create", Map.of("cli", "claude", "description", "secret plans"));
        Files.writeString(
                policy,
                "{\"version\":\"1\",\"default\":\"deny\",\"hide\":[\"*\"],\"tools\":{\"llm_process_health\":{}}}");
        clock.advance(java.time.Duration.ofSeconds(1));

        assertEquals(List.of(), resourceUris());
        assertEquals(List.of(), templateUris());
        for (String uri : List.of("sessions://all", "sessions://claude", "jobs://recent")) {
            JsonNode response = read(uri);
            assertTrue(response.has("error"), uri + ": " + response);
            assertFalse(response.toString().contains("secret plans"), response.toString());
            assertTrue(
                    response.get("error").get("message").asText().startsWith("[POLICY DENIED]"), response.toString());
            assertEquals(
                    "policy_denied",
                    response.get("error").get("data").get("errorCode").asText(),
                    response.toString());
        }
        List<JsonNode> reads =
                auditLines().stream().filter(line -> line.has("resource")).toList();
        assertEquals(
                List.of("sessions://all", "sessions://claude", "jobs://recent"),
                reads.stream().map(line -> line.get("resource").asText()).toList());
        assertEquals(
                List.of("session_list", "session_list", "llm_job_list"),
                reads.stream().map(line -> line.get("tool").asText()).toList());
        assertTrue(reads.stream().allMatch(line -> line.get("outcome").asText().equals("denied")), reads.toString());
    }

    @Test
    void aResourceIsAllowedExactlyWhenItsToolIs() throws Exception {
        start("{\"version\":\"1\",\"default\":\"deny\",\"hide\":[\"*\"],\"tools\":{\"session_create\":{},"
                + "\"session_list\":{\"deny_if\":[{\"path\":\"args.cli\",\"op\":\"eq\",\"value\":\"devin\"}],"
                + "\"limits\":[{\"counter\":\"lists\",\"window\":\"minute\",\"max\":2}]}}}");
        gw.client.callTool("session_create", Map.of("cli", "claude", "description", "visible"));

        assertEquals(
                List.of("sessions://all"),
                resourceUris(),
                "llm_job_list is not allowed, so jobs://recent is not listed");
        assertEquals(List.of("sessions://{cli}"), templateUris());

        JsonNode all = read("sessions://all");
        assertFalse(all.has("error"), all.toString());
        assertTrue(all.get("result").get("contents").get(0).get("text").asText().contains("visible"));
        JsonNode devin = read("sessions://devin");
        assertEquals(
                "policy_denied", devin.get("error").get("data").get("errorCode").asText(), devin.toString());
        assertEquals(
                "/tools/session_list/deny_if/0",
                devin.get("error").get("data").get("rule").asText());
        assertFalse(read("sessions://claude").has("error"));
        assertEquals(
                "policy_denied",
                read("jobs://recent").get("error").get("data").get("errorCode").asText());

        JsonNode limited = read("sessions://all");
        assertEquals(
                "rate_limited",
                limited.get("error").get("data").get("errorCode").asText(),
                "two reads used the two session_list calls per minute: " + limited);
        assertTrue(
                gw.client.callTool("session_list", Map.of()).get("isError").asBoolean(),
                "reads and calls share the limit");

        List<String> outcomes = auditLines().stream()
                .filter(line -> line.has("resource"))
                .map(line -> line.get("resource").asText() + " "
                        + line.get("outcome").asText())
                .toList();
        assertEquals(
                List.of(
                        "sessions://all ok",
                        "sessions://devin denied",
                        "sessions://claude ok",
                        "jobs://recent denied",
                        "sessions://all rate_limited"),
                outcomes);
    }

    private JsonNode read(String uri) {
        return gw.client.request("resources/read", Map.of("uri", uri));
    }

    private List<String> resourceUris() {
        List<String> uris = new ArrayList<>();
        gw.client
                .request("resources/list", Map.of())
                .get("result")
                .get("resources")
                .forEach(r -> uris.add(r.get("uri").asText()));
        return uris.stream().sorted().toList();
    }

    private List<String> templateUris() {
        List<String> uris = new ArrayList<>();
        gw.client
                .request("resources/templates/list", Map.of())
                .get("result")
                .get("resourceTemplates")
                .forEach(r -> uris.add(r.get("uriTemplate").asText()));
        return uris;
    }

    private List<JsonNode> auditLines() throws IOException {
        return Files.readAllLines(dataDir.resolve("audit.jsonl")).stream()
                .map(line -> {
                    try {
                        return MAPPER.readTree(line);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }
}
