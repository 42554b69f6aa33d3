package io.llmgateway.provider.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON objects in a CLI's output: one per line (JSON lines) or pretty-printed over several
 * lines, with anything else (warnings, progress text, stack traces) around them ignored. An object is
 * recognised where a line starts with '{' (leading whitespace allowed); callers read fields by key.
 * Each character is read at most twice (a failed attempt stops at the first bad token, mostly at once).
 */
final class JsonScan {
    private static final ObjectMapper MAPPER = Json.newMapper();

    private JsonScan() {}

    static List<JsonNode> objects(String text) {
        return values(text, false);
    }

    /** Like {@link #objects} but also arrays: values where a line starts with '{' or '['. */
    static List<JsonNode> objectsAndArrays(String text) {
        return values(text, true);
    }

    private static List<JsonNode> values(String text, boolean arrays) {
        List<JsonNode> values = new ArrayList<>();
        char[] chars = text.toCharArray();
        int pos = 0;
        while (pos < chars.length) {
            int start = pos;
            while (start < chars.length && (chars[start] == ' ' || chars[start] == '\t')) {
                start++;
            }
            int next = -1;
            if (start < chars.length && (chars[start] == '{' || arrays && chars[start] == '[')) {
                next = parseValueAt(chars, start, values);
            }
            pos = next > start ? next : nextLine(chars, start);
        }
        return values;
    }

    /** Parses one value at {@code start}; returns the index after it, or -1 if no valid value starts there. */
    private static int parseValueAt(char[] chars, int start, List<JsonNode> values) {
        try (JsonParser parser = MAPPER.getFactory().createParser(chars, start, chars.length - start)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                return -1;
            }
            JsonNode node = MAPPER.readTree(parser);
            values.add(node);
            return start + (int) parser.currentLocation().getCharOffset();
        } catch (IOException e) {
            return -1;
        }
    }

    private static int nextLine(char[] chars, int from) {
        int i = from;
        while (i < chars.length && chars[i] != '\n') {
            i++;
        }
        return i + 1;
    }

    /** The field as text, or null when it is missing, null or not a scalar. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    /** The field as a whole number, or null when it is missing or not a number. */
    /** The first of {@code fields} that holds non-blank text, or null. */
    static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                return value.asText();
            }
        }
        return null;
    }

    static Long count(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isNumber() ? value.asLong() : null;
    }

    static Double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isNumber() ? value.asDouble() : null;
    }

    /** Parses {@code text} as one JSON value, or returns null when it is not JSON. */
    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * CLIs pass API errors through as JSON text, e.g. {@code {"error":{"message":"...","type":"..."}}},
     * sometimes inside other text: the inner message and its type or status, or the text unchanged.
     */
    static String apiErrorMessage(String text) {
        if (text == null) {
            return null;
        }
        int start = text.indexOf('{');
        int end = text.lastIndexOf('}');
        if (start < 0 || end < start) {
            return text;
        }
        JsonNode parsed = parse(text.substring(start, end + 1));
        JsonNode error = parsed == null ? null : parsed.get("error");
        String message = error == null || !error.isObject() ? null : text(error, "message");
        if (message == null) {
            return text;
        }
        String kind = text(error, "type") != null ? text(error, "type") : text(error, "status");
        return kind == null ? message : message + " (" + kind + ")";
    }
}
