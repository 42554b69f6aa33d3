package io.llmgateway.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Operators of argument predicates ({@code require}, {@code deny_if}), by their policy-file names. */
public enum PredicateOp {
    EQ("eq"),
    NEQ("neq"),
    IN("in"),
    NOT_IN("not_in"),
    LT("lt"),
    LTE("lte"),
    GT("gt"),
    GTE("gte"),
    REGEX("regex"),
    CONTAINS("contains"),
    EXISTS("exists");

    private static final List<String> WIRE_NAMES =
            Arrays.stream(values()).map(PredicateOp::wireName).toList();

    private final String wireName;

    PredicateOp(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<PredicateOp> fromWireName(String name) {
        return Arrays.stream(values()).filter(op -> op.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return WIRE_NAMES;
    }
}
