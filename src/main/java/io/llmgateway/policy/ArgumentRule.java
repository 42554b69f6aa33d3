package io.llmgateway.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One argument predicate {@code {path:"args.<dot.path>", op, value}}. A missing argument (or a path
 * through a non-container) satisfies only {@code neq}, {@code not_in} and {@code exists:false};
 * comparisons need numbers, {@code regex} needs a string, so a wrongly typed argument fails a
 * {@code require} rather than slipping through it.
 *
 * @param path     as written, e.g. {@code args.workingDir}
 * @param segments the path below {@code args}; numeric segments also index lists
 * @param value    the operand; for {@code exists}, a boolean (true when omitted)
 * @param pattern  compiled at load for {@code regex}, else null
 * @param reason   optional text shown instead of the generated explanation
 * @param rule     where the predicate is written, e.g. {@code /tools/x/deny_if/0}
 */
public record ArgumentRule(
        String path,
        List<String> segments,
        PredicateOp op,
        JsonNode value,
        Pattern pattern,
        String reason,
        String rule) {

    private static final ObjectMapper LEAF_MAPPER = new ObjectMapper();
    private static final Object MISSING = new Object();
    /** Numbers compare by value (1 equals 1.0); everything else by JSON equality. */
    private static final Comparator<JsonNode> JSON_VALUE_ORDER = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    public ArgumentRule {
        Objects.requireNonNull(path, "path");
        segments = List.copyOf(segments);
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(rule, "rule");
        if (op == PredicateOp.REGEX && pattern == null) {
            throw new IllegalArgumentException("regex predicate without a compiled pattern");
        }
    }

    /**
     * Whether the predicate holds for these tool-call arguments. {@code eq}, {@code neq}, {@code in} and
     * {@code not_in} compare what the argument and the operand stand for under {@code identity}.
     */
    public boolean holds(Map<String, ?> arguments, ArgumentIdentity identity) {
        Object raw = resolve(arguments);
        if (raw == MISSING) {
            return op == PredicateOp.NEQ
                    || op == PredicateOp.NOT_IN
                    || (op == PredicateOp.EXISTS && !value.asBoolean());
        }
        JsonNode actual = raw instanceof JsonNode node ? node : LEAF_MAPPER.valueToTree(raw);
        return switch (op) {
            case EQ -> sameValue(identified(actual, identity), identified(value, identity));
            case NEQ -> !sameValue(identified(actual, identity), identified(value, identity));
            case IN -> containsElement(value, actual, identity);
            case NOT_IN -> !containsElement(value, actual, identity);
            case LT -> actual.isNumber() && compareNumbers(actual) < 0;
            case LTE -> actual.isNumber() && compareNumbers(actual) <= 0;
            case GT -> actual.isNumber() && compareNumbers(actual) > 0;
            case GTE -> actual.isNumber() && compareNumbers(actual) >= 0;
            case REGEX ->
                actual.isTextual() && pattern.matcher(actual.textValue()).find();
            case CONTAINS ->
                actual.isTextual() && value.isTextual()
                        ? actual.textValue().contains(value.textValue())
                        : actual.isArray() && containsElement(actual, value, ArgumentIdentity.AS_IS);
            case EXISTS -> !actual.isNull() == value.asBoolean();
        };
    }

    /** e.g. {@code args.model in ["a","b"]}; shows the policy's operand, never an argument value. */
    public String describe() {
        return op == PredicateOp.EXISTS
                ? path + (value.asBoolean() ? " exists" : " is absent")
                : path + " " + op.wireName() + " " + value;
    }

    private Object resolve(Map<String, ?> arguments) {
        Object current = arguments;
        for (String segment : segments) {
            if (current instanceof Map<?, ?> map) {
                if (!map.containsKey(segment)) {
                    return MISSING;
                }
                current = map.get(segment);
            } else if (current instanceof List<?> list) {
                int index = listIndex(segment);
                if (index < 0 || index >= list.size()) {
                    return MISSING;
                }
                current = list.get(index);
            } else {
                return MISSING;
            }
        }
        return current;
    }

    private static int listIndex(String segment) {
        if (segment.isEmpty() || segment.length() > 9 || !segment.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(segment);
    }

    private int compareNumbers(JsonNode actual) {
        return actual.decimalValue().compareTo(value.decimalValue());
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        return a.equals(JSON_VALUE_ORDER, b);
    }

    private boolean containsElement(JsonNode array, JsonNode element, ArgumentIdentity identity) {
        JsonNode wanted = identified(element, identity);
        for (JsonNode candidate : array) {
            if (sameValue(identified(candidate, identity), wanted)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode identified(JsonNode node, ArgumentIdentity identity) {
        if (identity == ArgumentIdentity.AS_IS || !node.isTextual()) {
            return node;
        }
        return TextNode.valueOf(identity.of(argumentPath(), node.textValue()));
    }

    private String argumentPath() {
        return String.join(".", segments);
    }
}
