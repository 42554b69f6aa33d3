package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/list stays small and portable. Hosts hide large tool lists (Codex with gpt-5.x puts them behind
 * tool_search) and some map schemas onto a single-type dialect (Gemini's function declarations), which a
 * {@code type} array breaks. A new tool must fit the per-tool budget; the whole list its total.
 */
class ToolListBudgetTest {
    /** Bytes of compact JSON of the 27 tools of issue 15 (73 KB before it), without later arguments. */
    static final int ISSUE_15_BUDGET = 50_000;

    static final List<String> ISSUE_15_TOOLS = List.of(
            "session_create",
            "session_list",
            "session_get",
            "session_set_active",
            "session_delete",
            "session_clear_all",
            "claude_request",
            "codex_request",
            "gemini_request",
            "grok_request",
            "mistral_request",
            "devin_request",
            "cursor_request",
            "claude_request_async",
            "codex_request_async",
            "gemini_request_async",
            "grok_request_async",
            "mistral_request_async",
            "devin_request_async",
            "cursor_request_async",
            "llm_job_status",
            "llm_job_result",
            "llm_job_cancel",
            "llm_job_list",
            "list_models",
            "cli_versions",
            "llm_process_health");

    /** Arguments and result fields added to those tools later, each with its own budget per tool (bytes). */
    static final Map<String, Integer> LATER_FIELD_BUDGETS = Map.ofEntries(
            Map.entry("workspace", 150),
            Map.entry("worktree", 850),
            Map.entry("worktreePath", 100),
            Map.entry("worktrees", 650),
            // the original's result fields (issue 13)
            Map.entry("ownerPrincipal", 110),
            Map.entry("retryCount", 100),
            Map.entry("job", 1_100),
            Map.entry("parsed", 700),
            // the original's provider-specific arguments (issue 13)
            Map.entry("fullAuto", 120),
            Map.entry("dangerouslyBypassApprovalsAndSandbox", 150),
            Map.entry("ephemeral", 100),
            Map.entry("images", 130),
            Map.entry("ignoreUserConfig", 120),
            Map.entry("ignoreRules", 100),
            Map.entry("askForApproval", 180),
            Map.entry("useLegacyFullAutoFlag", 130),
            Map.entry("search", 100),
            Map.entry("includeDirs", 130),
            Map.entry("yolo", 110),
            Map.entry("sandbox", 130));

    /** Tools added after issue 15, each with its own budget (bytes). */
    static final Map<String, Integer> LATER_TOOL_BUDGETS = Map.ofEntries(
            Map.entry("workspace_list", 2_100),
            Map.entry("workspace_get", 1_400),
            Map.entry("workspace_create", 1_850),
            Map.entry("workspace_register_existing_repo", 1_600),
            Map.entry("llm_request_result", 1_250),
            Map.entry("llm_usage", 1_350),
            Map.entry("list_available_models", 700),
            Map.entry("upstream_contracts", 1_300),
            Map.entry("provider_subcommands_list", 1_100),
            Map.entry("provider_subcommand_contract", 1_000),
            Map.entry("provider_subcommand_drift", 1_300),
            Map.entry("cli_upgrade", 1_700));

    /**
     * Bytes of one tool's definition (the largest was 4.7 KB before issue 15; codex_request grew with the
     * original's codex arguments of issue 13).
     */
    static final int PER_TOOL_BUDGET = 5_000;

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
    }

    @Test
    void theToolListFitsItsBudgetsAndEveryNewToolHasOne() {
        JsonNode tools = gw.client.request("tools/list", Map.of()).get("result").get("tools");
        int issue15Total = 0;
        List<String> problems = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        for (JsonNode tool : tools) {
            String name = tool.get("name").asText();
            int size = bytes(tool);
            sizes.add(name + " " + size);
            if (size > PER_TOOL_BUDGET) {
                problems.add(name + " is " + size + " bytes, over " + PER_TOOL_BUDGET);
            }
            if (ISSUE_15_TOOLS.contains(name)) {
                ObjectNode trimmed = tool.deepCopy();
                for (Map.Entry<String, Integer> field : LATER_FIELD_BUDGETS.entrySet()) {
                    int fieldBytes = removeProperty(trimmed.path("inputSchema"), field.getKey())
                            + removeProperty(trimmed.path("outputSchema"), field.getKey());
                    if (fieldBytes > field.getValue()) {
                        problems.add(name + "'s " + field.getKey() + " is " + fieldBytes + " bytes, over "
                                + field.getValue());
                    }
                }
                issue15Total += bytes(trimmed);
            } else if (!LATER_TOOL_BUDGETS.containsKey(name)) {
                problems.add(name + " is new: give it a budget in LATER_TOOL_BUDGETS");
            } else if (size > LATER_TOOL_BUDGETS.get(name)) {
                problems.add(name + " is " + size + " bytes, over its " + LATER_TOOL_BUDGETS.get(name));
            }
        }
        if (issue15Total > ISSUE_15_BUDGET) {
            problems.add("the 27 tools of issue 15 are " + issue15Total + " bytes, over " + ISSUE_15_BUDGET);
        }
        assertEquals(List.of(), problems, "sizes: " + sizes);
    }

    /** Removes {@code name} from a schema's properties (and its required list); the bytes it took. */
    private static int removeProperty(JsonNode schema, String name) {
        JsonNode properties = schema.path("properties");
        if (!properties.has(name)) {
            return 0;
        }
        int size = name.length() + 3 + bytes(properties.get(name)); // "name": and a comma
        ((ObjectNode) properties).remove(name);
        if (schema.path("required").isArray()) {
            ArrayNode required = (ArrayNode) schema.get("required");
            for (int i = required.size() - 1; i >= 0; i--) {
                if (required.get(i).asText().equals(name)) {
                    required.remove(i);
                }
            }
        }
        return size;
    }

    @Test
    void noSchemaUsesATypeArray() {
        List<String> found = new ArrayList<>();
        for (JsonNode tool :
                gw.client.request("tools/list", Map.of()).get("result").get("tools")) {
            collectTypeArrays(tool.get("inputSchema"), tool.get("name").asText() + ".inputSchema", found);
            collectTypeArrays(tool.get("outputSchema"), tool.get("name").asText() + ".outputSchema", found);
        }
        assertEquals(List.of(), found, "a type array is not portable: use anyOf with one type per branch");
    }

    @Test
    void everyToolSaysWhatItDoesAndCarriesItsRiskHints() {
        for (JsonNode tool :
                gw.client.request("tools/list", Map.of()).get("result").get("tools")) {
            String name = tool.get("name").asText();
            assertTrue(tool.get("description").asText().length() >= 30, name + " has a real description");
            JsonNode hints = tool.get("annotations");
            for (String hint : List.of("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")) {
                assertTrue(hints.get(hint).isBoolean(), name + " declares " + hint);
            }
        }
    }

    private static void collectTypeArrays(JsonNode schema, String path, List<String> found) {
        if (schema == null) {
            return;
        }
        if (schema.isObject()) {
            if (schema.path("type").isArray()) {
                found.add(path);
            }
            schema.fields().forEachRemaining(e -> collectTypeArrays(e.getValue(), path + "." + e.getKey(), found));
        } else if (schema.isArray()) {
            for (int i = 0; i < schema.size(); i++) {
                collectTypeArrays(schema.get(i), path + "[" + i + "]", found);
            }
        }
    }

    private static int bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
