package io.llmgateway.provider.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderOptionsTest {
    private static final List<ProviderOption> DECLARED = List.of(
            ProviderOption.choice("mode", "m", "a", "b"),
            ProviderOption.of("flag", OptionType.BOOLEAN, "f"),
            ProviderOption.of("count", OptionType.INTEGER, "c"),
            ProviderOption.of("price", OptionType.NUMBER, "p"),
            ProviderOption.of("list", OptionType.STRING_ARRAY, "l"),
            ProviderOption.of("map", OptionType.STRING_MAP, "m"),
            ProviderOption.of("schema", OptionType.OBJECT, "s"));

    @Test
    void acceptsDeclaredValuesOfTheDeclaredTypes() {
        ProviderOptions options = ProviderOptions.of(
                DECLARED,
                Map.of(
                        "mode",
                        "b",
                        "flag",
                        true,
                        "count",
                        3,
                        "price",
                        0.5,
                        "list",
                        List.of("x"),
                        "map",
                        Map.of("k", "v"),
                        "schema",
                        Map.of("type", "object")));
        assertEquals("b", options.string("mode").orElseThrow());
        assertTrue(options.bool("flag").orElseThrow());
        assertEquals(3L, options.integer("count").orElseThrow());
        assertEquals(0.5, options.number("price").orElseThrow());
        assertEquals(List.of("x"), options.strings("list"));
        assertEquals(Map.of("k", "v"), options.stringMap("map"));
        assertEquals(Map.of("type", "object"), options.object("schema").orElseThrow());
    }

    @Test
    void nullValuesCountAsAbsent() {
        Map<String, Object> values = new HashMap<>();
        values.put("mode", null);
        ProviderOptions options = ProviderOptions.of(DECLARED, values);
        assertTrue(options.string("mode").isEmpty());
        assertTrue(options.strings("list").isEmpty());
    }

    @Test
    void rejectsUnknownNamesWrongTypesValuesOutsideTheChoiceAndNul() {
        List<Map<String, Object>> bad = List.of(
                Map.of("other", "x"),
                Map.of("mode", "c"),
                Map.of("flag", "yes"),
                Map.of("count", 1.5),
                Map.of("list", List.of(1)),
                Map.of("map", Map.of("k", 1)),
                Map.of("mode", 1),
                Map.of("list", List.of("a\0b")),
                Map.of("map", Map.of("k\0", "v")));
        for (Map<String, Object> values : bad) {
            GatewayException e =
                    assertThrows(GatewayException.class, () -> ProviderOptions.of(DECLARED, values), values.toString());
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        }
    }

    @Test
    void limitsMustBePositive() {
        ProviderOptions options = ProviderOptions.of(DECLARED, Map.of("count", 0, "price", -1));
        assertEquals(
                ErrorCode.INVALID_ARGUMENT,
                assertThrows(GatewayException.class, () -> options.positiveInteger("count"))
                        .code());
        assertEquals(
                ErrorCode.INVALID_ARGUMENT,
                assertThrows(GatewayException.class, () -> options.positiveNumber("price"))
                        .code());
    }
}
