package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nullable fields are anyOf branches of one type each; validation accepts exactly the value or null. */
class JsonSchemaSubsetTest {
    private final JsonSchemaSubset validator = new JsonSchemaSubset();
    private final Map<String, Object> schema = Schemas.output()
            .required("sessionId", Schemas.nullable(Schemas.string("A gw-* id.")))
            .required("mode", Schemas.nullable(Schemas.stringEnum(List.of("a", "b"), null)))
            .build();

    @Test
    void aNullableFieldTakesItsTypeOrNullAndNothingElse() {
        assertNull(validator.firstProblem(schema, Map.of("sessionId", "gw-1", "mode", "a"), ""));
        Map<String, Object> nulls = new HashMap<>();
        nulls.put("sessionId", null);
        nulls.put("mode", null);
        assertNull(validator.firstProblem(schema, nulls, ""));
        assertEquals("argument 'sessionId' must be a string or null",
                validator.firstProblem(schema, Map.of("sessionId", 7, "mode", "a"), ""));
        assertEquals("argument 'mode' must be one of [a, b]",
                validator.firstProblem(schema, Map.of("sessionId", "gw-1", "mode", "c"), ""));
        assertEquals("missing required argument 'mode'", validator.firstProblem(schema, Map.of("sessionId", "gw-1"), ""));
    }

    @Test
    void theDescriptionStaysOutsideTheBranches() {
        Map<String, Object> nullable = Schemas.nullable(Schemas.string("A gw-* id."));
        assertEquals(Map.of("anyOf", List.of(Map.of("type", "string"), Map.of("type", "null")), "description", "A gw-* id."),
                nullable);
    }
}
