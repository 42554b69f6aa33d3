package io.llmgateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The gateway's own HTTP answers (not the SDK's): small JSON bodies. */
final class JsonResponses {
    private static final ObjectMapper MAPPER = Json.newMapper();

    private JsonResponses() {}

    static void send(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** An error as JSON-RPC clients expect it on the MCP endpoint (no request id is known). */
    static void jsonRpcError(HttpServletResponse response, int status, int code, String message) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", null);
        body.put("error", error);
        send(response, status, body);
    }

    static void error(HttpServletResponse response, int status, String error, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        send(response, status, body);
    }
}
