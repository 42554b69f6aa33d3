package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
    /** Bytes of compact JSON of the tools/list result, for the 27 tools of issue 15 (73 KB before it). */
    static final int TOTAL_BUDGET = 50_000;
    /** Bytes of one tool's definition (the largest was 4.7 KB before issue 15). */
    static final int PER_TOOL_BUDGET = 3_500;

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
    void theToolListFitsItsBudgetAndEveryToolFitsItsOwn() {
        JsonNode result = gw.client.request("tools/list", Map.of()).get("result");
        JsonNode tools = result.get("tools");
        assertEquals(27, tools.size(), "the budget was set for 27 tools; set a new one for more");
        int total = bytes(result);
        List<String> sizes = new ArrayList<>();
        tools.forEach(tool -> sizes.add(tool.get("name").asText() + " " + bytes(tool) + " (description "
                + bytes(tool.get("description")) + ", input " + bytes(tool.get("inputSchema")) + ", output "
                + bytes(tool.get("outputSchema")) + ")"));
        assertTrue(total <= TOTAL_BUDGET, "tools/list is " + total + " bytes, budget " + TOTAL_BUDGET + ": " + sizes);
        List<String> over = new ArrayList<>();
        for (JsonNode tool : tools) {
            if (bytes(tool) > PER_TOOL_BUDGET) {
                over.add(tool.get("name").asText() + " " + bytes(tool));
            }
        }
        assertEquals(List.of(), over, "tools over " + PER_TOOL_BUDGET + " bytes");
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
