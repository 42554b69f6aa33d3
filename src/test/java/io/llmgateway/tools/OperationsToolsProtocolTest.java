package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** list_models, cli_versions, llm_process_health and the session resources through the stdio transport. */
class OperationsToolsProtocolTest {
    private static final List<String> OPERATIONS_TOOLS = List.of("list_models", "cli_versions", "llm_process_health");

    @TempDir
    Path dataDir;

    @TempDir
    Path home;

    private InProcessGateway gw;

    private void start(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("HOME", home.toString());
        env.putIfAbsent("PATH", home.resolve("bin").toString());
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, env),
                new InMemorySessionStore(),
                new MutableClock(Instant.parse("2026-11-22T10:00:00Z")),
                env);
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        gw.close();
        assertTrue(gw.client.nonJsonRpcLines().isEmpty());
    }

    /** Every result must match the schema the tool declares; the SDK would turn a mismatch into an error. */
    private JsonNode call(String tool, Map<String, ?> arguments, JsonNode declared) {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(), result.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> schema = Json.newMapper().convertValue(declared.get("outputSchema"), Map.class);
        Object structured = Json.newMapper().convertValue(result.get("structuredContent"), Object.class);
        assertNull(new JsonSchemaSubset().firstProblem(schema, structured, ""), tool + ": " + result);
        assertEquals(
                result.get("structuredContent"),
                Json.newMapper()
                        .valueToTree(readJson(
                                result.get("content").get(0).get("text").asText())),
                "the text block mirrors structuredContent");
        return result.get("structuredContent");
    }

    private static Object readJson(String text) {
        try {
            return Json.newMapper().readValue(text, Object.class);
        } catch (IOException e) {
            throw new AssertionError(text, e);
        }
    }

    private Map<String, JsonNode> listedTools() {
        Map<String, JsonNode> tools = new HashMap<>();
        for (JsonNode t :
                gw.client.request("tools/list", Map.of()).get("result").get("tools")) {
            tools.put(t.get("name").asText(), t);
        }
        return tools;
    }

    @Test
    void theOperationsToolsAreReadOnlyAndDeclareTheirOutput() {
        start(Map.of());
        Map<String, JsonNode> tools = listedTools();
        for (String name : OPERATIONS_TOOLS) {
            JsonNode tool = tools.get(name);
            JsonNode a = tool.get("annotations");
            assertTrue(a.get("readOnlyHint").asBoolean(), name);
            assertFalse(a.get("destructiveHint").asBoolean(), name);
            assertTrue(a.get("idempotentHint").asBoolean(), name);
            assertFalse(a.get("openWorldHint").asBoolean(), name);
            assertEquals("object", tool.get("outputSchema").get("type").asText(), name);
            assertFalse(tool.get("inputSchema").get("additionalProperties").asBoolean(true), name);
        }
    }

    @Test
    void listModelsShowsEveryProviderAndTheUsersOwnDefault() throws IOException {
        Files.createDirectories(home.resolve(".claude"));
        Files.writeString(home.resolve(".claude/settings.json"), "{\"model\": \"sonnet\"}");
        start(Map.of());
        JsonNode declared = listedTools().get("list_models");

        JsonNode all = call("list_models", Map.of(), declared);
        assertEquals(7, all.get("providers").size());

        JsonNode claude = call("list_models", Map.of("cli", "claude"), declared)
                .get("providers")
                .get(0);
        assertEquals("claude", claude.get("cli").asText());
        assertEquals("sonnet", claude.get("default").get("model").asText());
        assertEquals("user-config", claude.get("default").get("source").asText());
        assertEquals(
                home.resolve(".claude/settings.json").toString(),
                claude.get("default").get("origin").asText());
        assertTrue(claude.get("aliases").toString().contains("\"resolvedBy\":\"gateway\""));
    }

    @Test
    void listModelsRejectsAnUnknownProvider() {
        start(Map.of());
        JsonNode response =
                gw.client.request("tools/call", Map.of("name", "list_models", "arguments", Map.of("cli", "gpt")));
        assertEquals(-32602, response.get("error").get("code").asInt());
    }

    @Test
    void cliVersionsReportsInstalledAndMissingClis() throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path codex = bin.resolve("codex");
        Files.writeString(
                codex,
                "#!/bin/bash\ncase \"$1\" in\n  --version) echo 'codex-cli 0.169.0' ;;\n"
                        + "  login) echo 'Not logged in' >&2; exit 1 ;;\nesac\n");
        Files.setPosixFilePermissions(codex, PosixFilePermissions.fromString("rwx------"));
        start(Map.of("LLM_GATEWAY_PROBE_TIMEOUT_MS", "20000"));
        JsonNode declared = listedTools().get("cli_versions");

        JsonNode result = call("cli_versions", Map.of(), declared);
        assertEquals(20000, result.get("timeoutMs").asInt());
        assertEquals(7, result.get("providers").size());
        JsonNode only = call("cli_versions", Map.of("cli", "codex"), declared)
                .get("providers")
                .get(0);
        assertTrue(only.get("installed").asBoolean());
        assertEquals(codex.toString(), only.get("path").asText());
        assertEquals("0.169.0", only.get("version").asText());
        assertEquals("not_logged_in", only.get("login").get("status").asText());
        JsonNode claude = result.get("providers").get(0);
        assertFalse(claude.get("installed").asBoolean());
        assertTrue(claude.get("path").isNull());
    }

    @Test
    void processHealthReportsVersionStorePolicyAndProblems() throws IOException {
        start(Map.of());
        JsonNode declared = listedTools().get("llm_process_health");
        JsonNode healthy = call("llm_process_health", Map.of(), declared);
        assertTrue(healthy.get("healthy").asBoolean(), healthy.toString());
        assertEquals(
                ProcessHandle.current().pid(), healthy.get("gateway").get("pid").asLong());
        assertEquals(dataDir.toString(), healthy.get("gateway").get("dataDir").asText());
        assertEquals("ok", healthy.get("store").get("status").asText());
        assertFalse(healthy.get("policy").get("loaded").asBoolean());
        assertEquals(0, healthy.get("jobs").size());

        Files.writeString(dataDir.resolve("sessions.json.corrupt-20261122T100000Z"), "garbage");
        JsonNode degraded = call("llm_process_health", Map.of(), declared);
        assertFalse(degraded.get("healthy").asBoolean());
        assertEquals("degraded", degraded.get("store").get("status").asText());
        assertTrue(
                degraded.get("warnings").toString().contains("damaged file(s) were moved aside"), degraded.toString());
    }

    @Test
    void sessionResourcesListAndReadAsJson() {
        start(Map.of());
        gw.client.callTool("session_create", Map.of("cli", "codex", "description", "resource test"));
        JsonNode resources =
                gw.client.request("resources/list", Map.of()).get("result").get("resources");
        assertEquals(
                List.of("jobs://recent", "metrics://performance", "metrics://usage", "sessions://all"),
                uris(resources).stream()
                        .filter(uri -> !uri.startsWith("models://"))
                        .toList(),
                "models://{cli} are ModelResourcesProtocolTest's");
        JsonNode templates = gw.client
                .request("resources/templates/list", Map.of())
                .get("result")
                .get("resourceTemplates");
        assertEquals("sessions://{cli}", templates.get(0).get("uriTemplate").asText());

        JsonNode all = readResource("sessions://all");
        assertEquals(1, all.get("total").asInt());
        assertEquals(
                "resource test", all.get("sessions").get(0).get("description").asText());
        assertEquals(
                all.get("sessions").get(0).get("id").asText(),
                all.get("activeSessions").get("codex").asText());
        assertEquals(0, readResource("sessions://claude").get("total").asInt());
        assertEquals(1, readResource("sessions://codex").get("activeSessions").size());

        JsonNode missing = gw.client.request("resources/read", Map.of("uri", "sessions://gpt"));
        assertEquals(-32002, missing.get("error").get("code").asInt(), missing.toString());
    }

    private static List<String> uris(JsonNode resources) {
        List<String> uris = new java.util.ArrayList<>();
        resources.forEach(r -> uris.add(r.get("uri").asText()));
        return uris.stream().sorted().toList();
    }

    private JsonNode readResource(String uri) {
        JsonNode contents = gw.client
                .request("resources/read", Map.of("uri", uri))
                .get("result")
                .get("contents")
                .get(0);
        assertEquals("application/json", contents.get("mimeType").asText());
        return Json.newMapper().valueToTree(readJson(contents.get("text").asText()));
    }
}
