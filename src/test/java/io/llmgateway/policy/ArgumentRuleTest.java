package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentRuleTest {
    private static final Map<String, Object> ARGS = args();

    private static Map<String, Object> args() {
        Map<String, Object> args = new HashMap<>();
        args.put("model", "sonnet");
        args.put("timeoutMs", 30_000);
        args.put("ratio", 0.5);
        args.put("workingDir", "/home/dev/project");
        args.put("tags", List.of("a", "b", 3));
        args.put("options", Map.of("sandbox", "read-only", "retries", List.of(1, 2)));
        args.put("sessionId", null);
        args.put("setAsActive", true);
        return args;
    }

    /** Parses one predicate through the real parser, so the tests exercise the policy syntax too. */
    private static ArgumentRule rule(String predicateJson) {
        String policy =
                "{\"version\":\"1\",\"default\":\"deny\",\"tools\":{\"t\":{\"require\":[" + predicateJson + "]}}}";
        return new PolicyParser()
                .parse("policy.json", policy.getBytes(StandardCharsets.UTF_8))
                .ruleFor("t")
                .orElseThrow()
                .require()
                .get(0);
    }

    @Test
    void equalityAndMembershipCompareWhatValuesStandFor() {
        ArgumentIdentity sameModel =
                (path, value) -> path.equals("model") && value.equalsIgnoreCase("Sonnet") ? "claude-sonnet-5" : value;
        Map<String, Object> args = Map.of("model", "sonnet", "other", "sonnet");
        assertTrue(rule("{\"path\":\"args.model\",\"op\":\"eq\",\"value\":\"claude-sonnet-5\"}")
                .holds(args, sameModel));
        assertTrue(rule("{\"path\":\"args.model\",\"op\":\"in\",\"value\":[\"SONNET\"]}")
                .holds(args, sameModel));
        assertFalse(rule("{\"path\":\"args.model\",\"op\":\"not_in\",\"value\":[\"claude-sonnet-5\"]}")
                .holds(args, sameModel));
        assertFalse(rule("{\"path\":\"args.model\",\"op\":\"neq\",\"value\":\"Sonnet\"}")
                .holds(args, sameModel));
        assertFalse(
                rule("{\"path\":\"args.model\",\"op\":\"regex\",\"value\":\"claude\"}")
                        .holds(args, sameModel),
                "regex sees the value itself");
        assertFalse(
                rule("{\"path\":\"args.other\",\"op\":\"eq\",\"value\":\"claude-sonnet-5\"}")
                        .holds(args, sameModel),
                "the identity is per path");
    }

    private static boolean holds(String predicateJson) {
        return rule(predicateJson).holds(ARGS, ArgumentIdentity.AS_IS);
    }

    @Test
    void eqAndNeqCompareJsonValuesAndNumbersByValue() {
        assertTrue(holds("{\"path\":\"args.model\",\"op\":\"eq\",\"value\":\"sonnet\"}"));
        assertFalse(holds("{\"path\":\"args.model\",\"op\":\"eq\",\"value\":\"opus\"}"));
        assertTrue(holds("{\"path\":\"args.timeoutMs\",\"op\":\"eq\",\"value\":30000.0}"));
        assertTrue(holds("{\"path\":\"args.setAsActive\",\"op\":\"eq\",\"value\":true}"));
        assertTrue(holds("{\"path\":\"args.sessionId\",\"op\":\"eq\",\"value\":null}"));
        assertTrue(holds("{\"path\":\"args.options.retries\",\"op\":\"eq\",\"value\":[1,2.0]}"));
        assertFalse(holds("{\"path\":\"args.model\",\"op\":\"neq\",\"value\":\"sonnet\"}"));
        assertTrue(holds("{\"path\":\"args.model\",\"op\":\"neq\",\"value\":\"opus\"}"));
        assertFalse(holds("{\"path\":\"args.timeoutMs\",\"op\":\"eq\",\"value\":\"30000\"}"), "types are not coerced");
    }

    @Test
    void inAndNotIn() {
        assertTrue(holds("{\"path\":\"args.model\",\"op\":\"in\",\"value\":[\"haiku\",\"sonnet\"]}"));
        assertFalse(holds("{\"path\":\"args.model\",\"op\":\"in\",\"value\":[\"opus\"]}"));
        assertTrue(holds("{\"path\":\"args.timeoutMs\",\"op\":\"in\",\"value\":[1, 3e4]}"));
        assertTrue(holds("{\"path\":\"args.model\",\"op\":\"not_in\",\"value\":[\"opus\"]}"));
        assertFalse(holds("{\"path\":\"args.model\",\"op\":\"not_in\",\"value\":[\"sonnet\"]}"));
    }

    @Test
    void numericComparisonsNeedNumbers() {
        assertTrue(holds("{\"path\":\"args.timeoutMs\",\"op\":\"lt\",\"value\":30001}"));
        assertFalse(holds("{\"path\":\"args.timeoutMs\",\"op\":\"lt\",\"value\":30000}"));
        assertTrue(holds("{\"path\":\"args.timeoutMs\",\"op\":\"lte\",\"value\":30000}"));
        assertFalse(holds("{\"path\":\"args.timeoutMs\",\"op\":\"lte\",\"value\":29999.9}"));
        assertTrue(holds("{\"path\":\"args.ratio\",\"op\":\"gt\",\"value\":0.25}"));
        assertFalse(holds("{\"path\":\"args.ratio\",\"op\":\"gt\",\"value\":0.5}"));
        assertTrue(holds("{\"path\":\"args.ratio\",\"op\":\"gte\",\"value\":0.5}"));
        assertFalse(holds("{\"path\":\"args.ratio\",\"op\":\"gte\",\"value\":1}"));
        assertFalse(holds("{\"path\":\"args.model\",\"op\":\"lt\",\"value\":100}"), "a string is not a number");
    }

    @Test
    void regexFindsAndNeedsAString() {
        assertTrue(holds("{\"path\":\"args.workingDir\",\"op\":\"regex\",\"value\":\"^/home/\"}"));
        assertTrue(holds("{\"path\":\"args.workingDir\",\"op\":\"regex\",\"value\":\"proj\"}"), "unanchored finds");
        assertFalse(holds("{\"path\":\"args.workingDir\",\"op\":\"regex\",\"value\":\"^/etc\"}"));
        assertFalse(holds("{\"path\":\"args.timeoutMs\",\"op\":\"regex\",\"value\":\"3\"}"));
    }

    @Test
    void containsWorksOnStringsAndArrays() {
        assertTrue(holds("{\"path\":\"args.workingDir\",\"op\":\"contains\",\"value\":\"dev\"}"));
        assertFalse(holds("{\"path\":\"args.workingDir\",\"op\":\"contains\",\"value\":\"..\"}"));
        assertTrue(holds("{\"path\":\"args.tags\",\"op\":\"contains\",\"value\":\"b\"}"));
        assertTrue(holds("{\"path\":\"args.tags\",\"op\":\"contains\",\"value\":3.0}"));
        assertFalse(holds("{\"path\":\"args.tags\",\"op\":\"contains\",\"value\":\"c\"}"));
        assertFalse(holds("{\"path\":\"args.timeoutMs\",\"op\":\"contains\",\"value\":3}"));
    }

    @Test
    void existsTreatsNullAsAbsent() {
        assertTrue(holds("{\"path\":\"args.model\",\"op\":\"exists\"}"));
        assertFalse(holds("{\"path\":\"args.missing\",\"op\":\"exists\"}"));
        assertFalse(holds("{\"path\":\"args.sessionId\",\"op\":\"exists\"}"));
        assertTrue(holds("{\"path\":\"args.sessionId\",\"op\":\"exists\",\"value\":false}"));
        assertTrue(holds("{\"path\":\"args.missing\",\"op\":\"exists\",\"value\":false}"));
        assertFalse(holds("{\"path\":\"args.model\",\"op\":\"exists\",\"value\":false}"));
    }

    @Test
    void nestedPathsAndListIndexes() {
        assertTrue(holds("{\"path\":\"args.options.sandbox\",\"op\":\"eq\",\"value\":\"read-only\"}"));
        assertTrue(holds("{\"path\":\"args.options.retries.1\",\"op\":\"eq\",\"value\":2}"));
        assertTrue(holds("{\"path\":\"args.tags.0\",\"op\":\"eq\",\"value\":\"a\"}"));
        assertFalse(holds("{\"path\":\"args.tags.9\",\"op\":\"exists\"}"));
        assertFalse(holds("{\"path\":\"args.model.length\",\"op\":\"exists\"}"), "a path through a string is missing");
    }

    @Test
    void aMissingArgumentSatisfiesOnlyNegativeOps() {
        Map<PredicateOp, Boolean> expected = new HashMap<>();
        Arrays.stream(PredicateOp.values()).forEach(op -> expected.put(op, false));
        expected.put(PredicateOp.NEQ, true);
        expected.put(PredicateOp.NOT_IN, true);
        for (PredicateOp op : PredicateOp.values()) {
            String value = switch (op) {
                case IN, NOT_IN -> "[\"x\"]";
                case LT, LTE, GT, GTE -> "1";
                case EXISTS -> "true";
                default -> "\"x\"";
            };
            String predicate = "{\"path\":\"args.absent\",\"op\":\"" + op.wireName() + "\",\"value\":" + value + "}";
            assertEquals(expected.get(op), holds(predicate), op.wireName());
        }
    }

    @Test
    void describeShowsThePolicyOperandOnly() {
        assertEquals(
                "args.model in [\"a\",\"b\"]",
                rule("{\"path\":\"args.model\",\"op\":\"in\",\"value\":[\"a\",\"b\"]}")
                        .describe());
        assertEquals(
                "args.model exists",
                rule("{\"path\":\"args.model\",\"op\":\"exists\"}").describe());
        assertEquals(
                "args.model is absent",
                rule("{\"path\":\"args.model\",\"op\":\"exists\",\"value\":false}")
                        .describe());
    }
}
