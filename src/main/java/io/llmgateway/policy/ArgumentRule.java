package io.llmgateway.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** Whether the predicate holds for these tool-call arguments. */
    public boolean holds(Map<String, ?> arguments) {
        Object raw = resolve(arguments);
        if (raw == MISSING) {
            return op == PredicateOp.NEQ || op == PredicateOp.NOT_IN
                    || (op == PredicateOp.EXISTS && !value.asBoolean());
        }
        JsonNode actual = raw instanceof JsonNode node ? node : LEAF_MAPPER.valueToTree(raw);
        return switch (op) {
            case EQ -> sameValue(actual, value);
            case NEQ -> !sameValue(actual, value);
            case IN -> containsElement(value, actual);
            case NOT_IN -> !containsElement(value, actual);
            case LT -> actual.isNumber() && compareNumbers(actual) < 0;
            case LTE -> actual.isNumber() && compareNumbers(actual) <= 0;
            case GT -> actual.isNumber() && compareNumbers(actual) > 0;
            case GTE -> actual.isNumber() && compareNumbers(actual) >= 0;
            case REGEX -> actual.isTextual() && pattern.matcher(actual.textValue()).find();
            case CONTAINS -> actual.isTextual() && value.isTextual()
                    ? actual.textValue().contains(value.textValue())
                    : actual.isArray() && containsElement(actual, value);
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

    private static boolean containsElement(JsonNode array, JsonNode element) {
        for (JsonNode candidate : array) {
            if (sameValue(candidate, element)) {
                return true;
            }
        }
        return false;
    }
}
