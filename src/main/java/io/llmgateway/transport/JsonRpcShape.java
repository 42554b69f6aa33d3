package io.llmgateway.transport;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks that a parsed line is a single JSON-RPC 2.0 request, notification or response. */
final class JsonRpcShape {
    private JsonRpcShape() {
    }

    /**
     * {@code error} is null for a well-formed message; {@code errorId} is the id to answer with, exactly as
     * received (null when it had none usable).
     */
    record Classified(String error, JsonNode errorId) {
        static final Classified OK = new Classified(null, null);
    }

    static Classified classify(JsonNode node) {
        if (node.isArray()) {
            return new Classified("Invalid Request: JSON-RPC batches are not supported; send one message per line", null);
        }
        if (!node.isObject()) {
            return new Classified("Invalid Request: expected a JSON-RPC object", null);
        }
        JsonNode idNode = node.get("id");
        boolean validId = idNode == null || idNode.isTextual() || idNode.isIntegralNumber()
                || (idNode.isNull() && !node.has("method"));
        if (!validId) {
            return new Classified("Invalid Request: 'id' must be a string or an integer", null);
        }
        JsonNode answerId = idNode == null || idNode.isNull() ? null : idNode;
        JsonNode version = node.get("jsonrpc");
        if (version == null || !version.isTextual() || !"2.0".equals(version.asText())) {
            return new Classified("Invalid Request: 'jsonrpc' must be \"2.0\"", answerId);
        }
        JsonNode method = node.get("method");
        if (method != null) {
            if (!method.isTextual() || method.asText().isEmpty()) {
                return new Classified("Invalid Request: 'method' must be a non-empty string", answerId);
            }
            JsonNode params = node.get("params");
            if (params != null && !params.isNull() && !params.isObject()) {
                return new Classified("Invalid Request: 'params' must be an object", answerId);
            }
            return Classified.OK;
        }
        boolean isResponse = idNode != null && (node.has("result") ^ node.has("error"));
        if (!isResponse) {
            return new Classified("Invalid Request: not a request, notification or response", answerId);
        }
        return Classified.OK;
    }
}
