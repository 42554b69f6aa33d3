package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validator checks every keyword our schemas use, and refuses a schema with one it would skip. Nullable fields
 * are anyOf branches of one type each; validation accepts exactly the value or null.
 */
class JsonSchemaSubsetTest {
    private final JsonSchemaSubset validator = new JsonSchemaSubset();

    @Test
    void everyListedToolSchemaUsesOnlyKeywordsTheValidatorChecks(@TempDir Path dataDir) {
        try (InProcessGateway gw =
                new InProcessGateway(InProcessGateway.config(dataDir), new InMemorySessionStore(), Clock.systemUTC())) {
            gw.client.initialize();
            JsonNode tools =
                    gw.client.request("tools/list", Map.of()).get("result").get("tools");
            assertTrue(tools.size() > 20, tools.toString());
            for (JsonNode tool : tools) {
                String name = tool.get("name").asText();
                JsonSchemaSubset.requireCheckable(asMap(tool.get("inputSchema")), name + " input");
                JsonSchemaSubset.requireCheckable(asMap(tool.get("outputSchema")), name + " output");
            }
        }
    }

    @Test
    void aKeywordItWouldSkipIsRefusedWhereverItStands() {
        Map<String, Object> minimum =
                Map.of("type", "object", "properties", Map.of("limit", Map.of("type", "integer", "minimum", 1)));
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> JsonSchemaSubset.requireCheckable(minimum, "t input"));
        assertEquals(
                "t input.limit uses the JSON Schema keyword 'minimum', which JsonSchemaSubset does not check; "
                        + "check it in the tool or extend the validator",
                refused.getMessage());

        Map<String, Object> pattern = Map.of("type", "array", "items", Map.of("type", "string", "pattern", "^a"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JsonSchemaSubset.requireCheckable(pattern, "t"))
                .getMessage()
                .contains("'pattern'"));
        Map<String, Object> unknownType = Map.of("type", "object", "additionalProperties", Map.of("type", "date"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> JsonSchemaSubset.requireCheckable(unknownType, "t"))
                        .getMessage()
                        .contains("unknown type 'date'"));
    }

    @Test
    void aBindingRefusesAToolWhoseSchemaItCannotCheck() {
        ToolDefinition definition = new ToolDefinition(
                "t",
                "T",
                "A tool.",
                Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string", "maxLength", 3))),
                Map.of("type", "object"),
                ToolDefinition.hints(true, false, true, false));
        McpToolBinding binding = new McpToolBinding(Json.newMapper(), validator, List.of());
        assertThrows(
                IllegalArgumentException.class,
                () -> binding.bind(new GatewayTool(definition, call -> ToolResult.success(Map.of(), null))));
    }

    @Test
    void valuesAreCheckedByTypeEnumRequiredItemsAndAdditionalProperties() {
        Map<String, Object> schema = Map.of(
                "type",
                "object",
                "required",
                List.of("cli"),
                "additionalProperties",
                false,
                "properties",
                Map.of(
                        "cli", Map.of("type", "string", "enum", List.of("claude", "codex")),
                        "limit", Map.of("type", "integer"),
                        "dirs", Map.of("type", "array", "items", Map.of("type", "string"))));
        assertNull(validator.firstProblem(schema, Map.of("cli", "claude", "limit", 3, "dirs", List.of("a")), ""));
        assertEquals("missing required argument 'cli'", validator.firstProblem(schema, Map.of(), ""));
        assertEquals(
                "argument 'cli' must be one of [claude, codex]",
                validator.firstProblem(schema, Map.of("cli", "vim"), ""));
        assertEquals(
                "argument 'limit' must be an integer",
                validator.firstProblem(schema, Map.of("cli", "codex", "limit", 1.5), ""));
        assertEquals(
                "argument 'dirs[1]' must be a string",
                validator.firstProblem(schema, Map.of("cli", "codex", "dirs", List.of("a", 2)), ""));
        assertTrue(validator
                .firstProblem(schema, Map.of("cli", "codex", "x", 1), "")
                .startsWith("unknown argument 'x'"));
        assertTrue(validator
                .firstProblem(schema, Map.of("cli", "codex", "limit", new java.math.BigInteger("9".repeat(30))), "")
                .startsWith("argument 'limit' is out of range"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(JsonNode node) {
        return Json.newMapper().convertValue(node, Map.class);
    }

    @Test
    void aNullableFieldTakesItsTypeOrNullAndNothingElse() {
        Map<String, Object> schema = Schemas.output()
                .required("sessionId", Schemas.nullable(Schemas.string("A gw-* id.")))
                .required("mode", Schemas.nullable(Schemas.stringEnum(List.of("a", "b"), null)))
                .build();
        JsonSchemaSubset.requireCheckable(schema, "nullable");
        assertNull(validator.firstProblem(schema, Map.of("sessionId", "gw-1", "mode", "a"), ""));
        Map<String, Object> nulls = new HashMap<>();
        nulls.put("sessionId", null);
        nulls.put("mode", null);
        assertNull(validator.firstProblem(schema, nulls, ""));
        assertEquals(
                "argument 'sessionId' must be a string or null",
                validator.firstProblem(schema, Map.of("sessionId", 7, "mode", "a"), ""));
        assertEquals(
                "argument 'mode' must be one of [a, b]",
                validator.firstProblem(schema, Map.of("sessionId", "gw-1", "mode", "c"), ""));
        assertEquals(
                "missing required argument 'mode'", validator.firstProblem(schema, Map.of("sessionId", "gw-1"), ""));
    }

    @Test
    void aKeywordItWouldSkipInsideAnAnyOfBranchIsRefused() {
        Map<String, Object> schema = Map.of(
                "type",
                "object",
                "properties",
                Map.of(
                        "limit",
                        Map.of("anyOf", List.of(Map.of("type", "integer", "minimum", 1), Map.of("type", "null")))));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JsonSchemaSubset.requireCheckable(schema, "t"))
                .getMessage()
                .startsWith("t.limit[anyOf][0] uses the JSON Schema keyword 'minimum'"));
    }

    @Test
    void theDescriptionStaysOutsideTheBranches() {
        Map<String, Object> nullable = Schemas.nullable(Schemas.string("A gw-* id."));
        assertEquals(
                Map.of("anyOf", List.of(Map.of("type", "string"), Map.of("type", "null")), "description", "A gw-* id."),
                nullable);
    }
}
