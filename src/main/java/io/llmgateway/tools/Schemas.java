package io.llmgateway.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for the JSON Schemas of tool inputs and outputs. */
public final class Schemas {
    private Schemas() {}

    public static Map<String, Object> string(String description) {
        return typed("string", description);
    }

    public static Map<String, Object> bool(String description) {
        return typed("boolean", description);
    }

    public static Map<String, Object> integer(String description) {
        return typed("integer", description);
    }

    public static Map<String, Object> number(String description) {
        return typed("number", description);
    }

    public static Map<String, Object> stringEnum(List<String> values, String description) {
        Map<String, Object> schema = typed("string", description);
        schema.put("enum", List.copyOf(values));
        return schema;
    }

    public static Map<String, Object> stringArray(String description) {
        Map<String, Object> schema = typed("array", description);
        schema.put("items", Map.of("type", "string"));
        return schema;
    }

    public static Map<String, Object> stringMap(String description) {
        Map<String, Object> schema = typed("object", description);
        schema.put("additionalProperties", Map.of("type", "string"));
        return schema;
    }

    /** Any JSON object. */
    public static Map<String, Object> object(String description) {
        return typed("object", description);
    }

    public static Map<String, Object> arrayOf(Map<String, Object> items, String description) {
        Map<String, Object> schema = typed("array", description);
        schema.put("items", items);
        return schema;
    }

    /**
     * The same schema, also accepting null: {@code anyOf} with one type per branch, the description outside.
     * Not a {@code type} array, which hosts mapping schemas onto a single-type dialect (Gemini's function
     * declarations) reject; not an optional field, since null and absent mean different things in results.
     */
    public static Map<String, Object> nullable(Map<String, Object> schema) {
        Map<String, Object> nullable = new LinkedHashMap<>();
        nullable.put("anyOf", List.of(withoutDescription(schema), NULL));
        if (schema.get("description") != null) {
            nullable.put("description", schema.get("description"));
        }
        return nullable;
    }

    private static final Map<String, Object> NULL = Map.of("type", "null");

    /** The same schema without its description. */
    public static Map<String, Object> withoutDescription(Map<String, Object> schema) {
        Map<String, Object> copy = new LinkedHashMap<>(schema);
        copy.remove("description");
        return copy;
    }

    /** An input schema: unknown arguments are rejected. */
    public static ObjectSchema input() {
        return new ObjectSchema(false);
    }

    /** An output schema: clients must tolerate fields added later (JSON Schema's default, so not spelled out). */
    public static ObjectSchema output() {
        return new ObjectSchema(true);
    }

    private static Map<String, Object> typed(String type, String description) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", type);
        if (description != null) {
            schema.put("description", description);
        }
        return schema;
    }

    /** Fluent object schema. */
    public static final class ObjectSchema {
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private final List<String> required = new ArrayList<>();
        private final boolean additionalProperties;

        private ObjectSchema(boolean additionalProperties) {
            this.additionalProperties = additionalProperties;
        }

        public ObjectSchema required(String name, Map<String, Object> schema) {
            properties.put(name, schema);
            required.add(name);
            return this;
        }

        public ObjectSchema optional(String name, Map<String, Object> schema) {
            properties.put(name, schema);
            return this;
        }

        public Map<String, Object> build() {
            Map<String, Object> schema = new LinkedHashMap<>();
            schema.put("type", "object");
            schema.put("properties", properties);
            if (!required.isEmpty()) {
                schema.put("required", List.copyOf(required));
            }
            if (!additionalProperties) {
                schema.put("additionalProperties", false);
            }
            return schema;
        }
    }
}
