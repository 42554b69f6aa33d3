package io.llmgateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Checks that a parsed line is a single JSON-RPC 2.0 request, notification or response. */
final class JsonRpcShape {
    private JsonRpcShape() {}

    /**
     * Why a message is not JSON-RPC 2.0.
     *
     * @param answerId the id to answer with, exactly as received; null when it had none usable
     */
    record Malformed(String reason, JsonNode answerId) {}

    /** What is wrong with a parsed line; empty for a well-formed message. */
    static Optional<Malformed> malformation(JsonNode node) {
        if (node.isArray()) {
            return malformed("Invalid Request: JSON-RPC batches are not supported; send one message per line", null);
        }
        if (!node.isObject()) {
            return malformed("Invalid Request: expected a JSON-RPC object", null);
        }
        JsonNode idNode = node.get("id");
        boolean validId = idNode == null
                || idNode.isTextual()
                || idNode.isIntegralNumber()
                || (idNode.isNull() && !node.has("method"));
        if (!validId) {
            return malformed("Invalid Request: 'id' must be a string or an integer", null);
        }
        JsonNode answerId = idNode == null || idNode.isNull() ? null : idNode;
        JsonNode version = node.get("jsonrpc");
        if (version == null || !version.isTextual() || !"2.0".equals(version.asText())) {
            return malformed("Invalid Request: 'jsonrpc' must be \"2.0\"", answerId);
        }
        JsonNode method = node.get("method");
        if (method != null) {
            if (!method.isTextual() || method.asText().isEmpty()) {
                return malformed("Invalid Request: 'method' must be a non-empty string", answerId);
            }
            JsonNode params = node.get("params");
            if (params != null && !params.isNull() && !params.isObject()) {
                return malformed("Invalid Request: 'params' must be an object", answerId);
            }
            return Optional.empty();
        }
        boolean isResponse = idNode != null && (node.has("result") ^ node.has("error"));
        if (!isResponse) {
            return malformed("Invalid Request: not a request, notification or response", answerId);
        }
        return Optional.empty();
    }

    private static Optional<Malformed> malformed(String reason, JsonNode answerId) {
        return Optional.of(new Malformed(reason, answerId));
    }
}
