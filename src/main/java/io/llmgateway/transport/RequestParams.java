package io.llmgateway.transport;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks the params of the requests the gateway serves before the SDK reads them into its request
 * records: the SDK answers a missing or mistyped field with an internal error quoting Java classes. A
 * problem is one plain sentence naming the field, answered as -32602. Methods the gateway does not serve
 * are left to the SDK (-32601).
 */
final class RequestParams {
    private static final List<String> LOGGING_LEVELS =
            List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    private enum Type {
        STRING,
        OBJECT
    }

    private record Field(String name, Type type, boolean required, String what) {}

    private static final List<Field> PAGE =
            List.of(new Field("cursor", Type.STRING, false, "the nextCursor of the previous page"));

    private static final Map<String, List<Field>> FIELDS = Map.of(
            McpSchema.METHOD_INITIALIZE,
                    List.of(
                            new Field("protocolVersion", Type.STRING, true, "the MCP version the client speaks"),
                            new Field("capabilities", Type.OBJECT, true, "the client's capabilities, {} for none"),
                            new Field("clientInfo", Type.OBJECT, true, "the client's name and version")),
            McpSchema.METHOD_PING, List.of(),
            McpSchema.METHOD_TOOLS_LIST, PAGE,
            McpSchema.METHOD_TOOLS_CALL,
                    List.of(
                            new Field("name", Type.STRING, true, "the name of the tool to call"),
                            new Field("arguments", Type.OBJECT, false, "the tool's arguments by name")),
            McpSchema.METHOD_RESOURCES_LIST, PAGE,
            McpSchema.METHOD_RESOURCES_TEMPLATES_LIST, PAGE,
            McpSchema.METHOD_RESOURCES_READ,
                    List.of(new Field("uri", Type.STRING, true, "the URI of the resource to read")),
            McpSchema.METHOD_LOGGING_SET_LEVEL,
                    List.of(new Field("level", Type.STRING, true, "one of " + String.join(", ", LOGGING_LEVELS))));

    private RequestParams() {}

    /** Null when {@code params} (null when absent) fit {@code method}; otherwise what is wrong. */
    static String problem(String method, JsonNode params, ObjectMapper mapper) {
        List<Field> fields = FIELDS.get(method);
        if (fields == null) {
            return null;
        }
        boolean absent = params == null || params.isNull();
        if (absent && McpSchema.METHOD_INITIALIZE.equals(method)) {
            return "Invalid params: initialize needs params with protocolVersion, capabilities and clientInfo.";
        }
        for (Field field : fields) {
            JsonNode value = absent ? null : params.get(field.name());
            if (value == null || value.isNull()) {
                if (field.required()) {
                    return "Invalid params: " + method + " needs '" + field.name() + "' (" + field.what() + ").";
                }
            } else if (!matches(field.type(), value)) {
                return "Invalid params: '" + field.name() + "' of " + method + " must be "
                        + (field.type() == Type.STRING ? "a string" : "an object") + " (" + field.what() + "), not "
                        + describe(value) + ".";
            }
        }
        if (absent) {
            return null;
        }
        String meta = metaProblem(params.get("_meta"));
        if (meta != null) {
            return meta;
        }
        if (McpSchema.METHOD_LOGGING_SET_LEVEL.equals(method)
                && !LOGGING_LEVELS.contains(params.get("level").asText().toLowerCase(Locale.ROOT))) {
            return "Invalid params: 'level' of logging/setLevel must be one of " + String.join(", ", LOGGING_LEVELS)
                    + ".";
        }
        if (McpSchema.METHOD_INITIALIZE.equals(method)) {
            return initializeProblem(params, mapper);
        }
        return null;
    }

    private static String metaProblem(JsonNode meta) {
        if (meta == null || meta.isNull()) {
            return null;
        }
        if (!meta.isObject()) {
            return "Invalid params: '_meta' must be an object, not " + describe(meta) + ".";
        }
        JsonNode token = meta.get("progressToken");
        if (token != null && !token.isNull() && !token.isTextual() && !token.isIntegralNumber()) {
            return "Invalid params: '_meta.progressToken' must be a string or an integer, not " + describe(token) + ".";
        }
        return null;
    }

    /** The nested client capabilities and info, read the way the SDK will read them. */
    private static String initializeProblem(JsonNode params, ObjectMapper mapper) {
        try {
            mapper.convertValue(params, McpSchema.InitializeRequest.class);
            return null;
        } catch (IllegalArgumentException e) {
            String path = e.getCause() instanceof JsonMappingException mapping
                    ? mapping.getPath().stream()
                            .map(ref ->
                                    ref.getFieldName() != null ? ref.getFieldName() : Integer.toString(ref.getIndex()))
                            .collect(Collectors.joining("."))
                    : "";
            return "Invalid params: " + (path.isEmpty() ? "a field" : "'" + path + "'")
                    + " of initialize has the wrong type (see the MCP schema of InitializeRequest).";
        }
    }

    private static boolean matches(Type type, JsonNode value) {
        return type == Type.STRING ? value.isTextual() : value.isObject();
    }

    private static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "a string";
        }
        if (value.isNumber()) {
            return "a number";
        }
        if (value.isBoolean()) {
            return "true or false";
        }
        if (value.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
