package io.llmgateway.tools;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates values against the small JSON Schema subset our tool schemas use: type, properties,
 * required, additionalProperties (false or a schema), items, enum, and anyOf (how a nullable field is
 * written: one type per branch). An integer must fit in 64 bits and a number must be finite: JSON allows any
 * size, and beyond that Java would wrap it. Used for tool arguments and, plugged
 * into the SDK, for structured results. Replacing the SDK's general validator also keeps its 2020-12
 * meta-schema check (a few hundred ms of CPU) off the start-up path.
 */
public final class JsonSchemaSubset implements JsonSchemaValidator {
    /** The keywords {@link #firstProblem} enforces. */
    static final Set<String> CHECKED_KEYWORDS =
            Set.of("type", "properties", "required", "additionalProperties", "items", "enum", "anyOf");
    /** Keywords that only describe, so there is nothing to check. */
    static final Set<String> ANNOTATIONS = Set.of("description", "title", "default", "examples", "$schema");

    static final Set<String> TYPES = Set.of("string", "boolean", "object", "array", "null", "number", "integer");

    /**
     * Refuses a schema this validator could not enforce in full: a keyword outside {@link #CHECKED_KEYWORDS}
     * and {@link #ANNOTATIONS} (say {@code minimum} or {@code pattern}), or an unknown type name, anywhere in it.
     * Run once per tool when it is bound, so a schema can never promise a check that silently does not happen.
     *
     * @throws IllegalArgumentException naming the keyword and where it is
     */
    public static void requireCheckable(Map<String, Object> schema, String where) {
        for (Map.Entry<String, Object> entry : schema.entrySet()) {
            String keyword = entry.getKey();
            Object value = entry.getValue();
            if (!CHECKED_KEYWORDS.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                throw new IllegalArgumentException(where + " uses the JSON Schema keyword '" + keyword
                        + "', which JsonSchemaSubset does not check; check it in the tool or extend the validator");
            }
            if (keyword.equals("type")) {
                for (Object type : value instanceof Collection<?> types ? types : List.of(value)) {
                    if (!TYPES.contains(String.valueOf(type))) {
                        throw new IllegalArgumentException(where + " has the unknown type '" + type + "'");
                    }
                }
            } else if (keyword.equals("properties") && value instanceof Map<?, ?> properties) {
                for (Map.Entry<?, ?> property : properties.entrySet()) {
                    requireCheckable(cast((Map<?, ?>) property.getValue()), where + "." + property.getKey());
                }
            } else if ((keyword.equals("items") || keyword.equals("additionalProperties"))
                    && value instanceof Map<?, ?> sub) {
                requireCheckable(cast(sub), where + "[" + keyword + "]");
            } else if (keyword.equals("anyOf") && value instanceof List<?> branches) {
                for (int i = 0; i < branches.size(); i++) {
                    if (!(branches.get(i) instanceof Map<?, ?> branch)) {
                        throw new IllegalArgumentException(where + "[anyOf][" + i + "] is not a schema");
                    }
                    requireCheckable(cast(branch), where + "[anyOf][" + i + "]");
                }
            }
        }
    }

    @Override
    public ValidationResponse validate(Map<String, Object> schema, Object value) {
        String problem = firstProblem(schema, value, "");
        return problem == null ? ValidationResponse.asValid(null) : ValidationResponse.asInvalid(problem);
    }

    /** Null when valid, else one sentence naming the offending argument path. */
    public String firstProblem(Map<String, Object> schema, Object value, String path) {
        if (schema == null) {
            return null;
        }
        if (schema.get("anyOf") instanceof List<?> branches) {
            List<String> problems = new java.util.ArrayList<>();
            for (Object branch : branches) {
                String problem = branch instanceof Map<?, ?> b ? firstProblem(cast(b), value, path) : null;
                if (problem == null) {
                    return null;
                }
                problems.add(problem);
            }
            return problems.size() == 1 ? problems.get(0) : anyOfProblem(branches, problems, path, value);
        }
        Object type = schema.get("type");
        if (type != null && !matchesType(type, value)) {
            return describe(path) + " must be " + typeName(type) + (value == null ? " (got null)" : "");
        }
        if (type != null && value instanceof Number number) {
            String range = rangeProblem(type, number, path);
            if (range != null) {
                return range;
            }
        }
        Object allowed = schema.get("enum");
        if (allowed instanceof Collection<?> options && !options.contains(value)) {
            return describe(path) + " must be one of " + options;
        }
        if (value instanceof Map<?, ?> map) {
            return objectProblem(schema, map, path);
        }
        if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
            for (int i = 0; i < list.size(); i++) {
                String problem = firstProblem(cast(items), list.get(i), path + "[" + i + "]");
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /**
     * The branch of the value's own type says what is wrong with it ("must be one of [a, b]"); a value of none
     * of the branches' types gets "must be a string or null".
     */
    private static String anyOfProblem(List<?> branches, List<String> problems, String path, Object value) {
        List<Object> types = new java.util.ArrayList<>();
        List<String> ofValuesType = new java.util.ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            Object type = branches.get(i) instanceof Map<?, ?> b ? b.get("type") : null;
            types.add(type);
            if (type == null || matchesType(type, value)) {
                ofValuesType.add(problems.get(i));
            }
        }
        if (ofValuesType.isEmpty()) {
            return describe(path) + " must be " + typeName(types) + (value == null ? " (got null)" : "");
        }
        return String.join("; or ", ofValuesType);
    }

    private String objectProblem(Map<String, Object> schema, Map<?, ?> map, String path) {
        Map<String, Object> properties = schema.get("properties") instanceof Map<?, ?> p ? cast(p) : Map.of();
        if (schema.get("required") instanceof Collection<?> required) {
            for (Object name : required) {
                if (!map.containsKey(name)) {
                    return "missing required argument '" + join(path, name.toString()) + "'";
                }
            }
        }
        Object additional = schema.get("additionalProperties");
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            Object propertySchema = properties.get(key);
            String problem;
            if (propertySchema instanceof Map<?, ?> ps) {
                problem = firstProblem(cast(ps), entry.getValue(), join(path, key));
            } else if (Boolean.FALSE.equals(additional)) {
                problem = "unknown argument '" + join(path, key) + "'"
                        + (properties.isEmpty() ? "" : " (expected: " + String.join(", ", properties.keySet()) + ")");
            } else if (additional instanceof Map<?, ?> as) {
                problem = firstProblem(cast(as), entry.getValue(), join(path, key));
            } else {
                problem = null;
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String rangeProblem(Object type, Number value, String path) {
        if (allows(type, "integer") && !allows(type, "number") && !fitsLong(value)) {
            return describe(path) + " is out of range: an integer here must lie between " + Long.MIN_VALUE + " and "
                    + Long.MAX_VALUE;
        }
        if (Double.isInfinite(value.doubleValue())) {
            return describe(path) + " is out of range: the number is too large";
        }
        return null;
    }

    private static boolean allows(Object type, String name) {
        return type instanceof Collection<?> types ? types.contains(name) : name.equals(type.toString());
    }

    /** Whether an integral value is exactly a Java long (a BigInteger or double beyond it would wrap or clip). */
    static boolean fitsLong(Number value) {
        if (value instanceof java.math.BigInteger big) {
            return big.bitLength() < Long.SIZE;
        }
        if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
            double d = value.doubleValue();
            return d >= -0x1p63 && d < 0x1p63;
        }
        return true;
    }

    private static boolean matchesType(Object type, Object value) {
        if (type instanceof Collection<?> types) {
            return types.stream().anyMatch(t -> matchesType(t, value));
        }
        return switch (type.toString()) {
            case "string" -> value instanceof String;
            case "boolean" -> value instanceof Boolean;
            case "object" -> value instanceof Map;
            case "array" -> value instanceof List;
            case "null" -> value == null;
            case "number" -> value instanceof Number;
            case "integer" -> isInteger(value);
            default -> true;
        };
    }

    private static boolean isInteger(Object value) {
        if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof java.math.BigInteger) {
            return true;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return !Double.isInfinite(d) && d == Math.rint(d);
        }
        return false;
    }

    private static String typeName(Object type) {
        if (type instanceof Collection<?> types) {
            return String.join(
                    " or ", types.stream().map(JsonSchemaSubset::typeName).toList());
        }
        return switch (type.toString()) {
            case "integer", "array", "object" -> "an " + type;
            case "null" -> "null";
            default -> "a " + type;
        };
    }

    private static String describe(String path) {
        return path.isEmpty() ? "arguments" : "argument '" + path + "'";
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
