package io.llmgateway.tools;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Principal;
import io.llmgateway.session.SessionService;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

/**
 * Does, on a background thread while the host is still connecting, the one-time work of the first tool call:
 * Jackson builds its (de)serializers for the SDK's request and result records on first use, annotation and
 * lambda classes are spun, Reactor's scheduler for tool calls is started, and the session store is read in. A
 * start-up archive holds loaded classes but none of this, so without it the host's first {@code tools/call} pays
 * for it. Changes nothing: it serializes throwaway values with the transport's own mapper and only reads the store.
 */
public final class RequestPathWarmUp {
    private static final Logger log = LoggerFactory.getLogger(RequestPathWarmUp.class);

    private RequestPathWarmUp() {}

    public static void start(ObjectMapper mapper, JsonSchemaSubset validator, SessionService sessions) {
        Thread thread = new Thread(() -> run(mapper, validator, sessions), "request-path-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run(ObjectMapper mapper, JsonSchemaSubset validator, SessionService sessions) {
        try {
            // The SDK runs every sync tool call on Reactor's bounded-elastic scheduler, which is made (and its
            // first worker thread started) on first use; an idle worker is kept for 60 s and serves the first call.
            Schedulers.boundedElastic().schedule(() -> {});
            Map<String, Object> arguments = Map.of("cli", "claude", "description", "warm-up");
            McpSchema.CallToolRequest request = mapper.convertValue(
                    Map.of("name", "session_create", "arguments", arguments, "_meta", Map.of("progressToken", 1)),
                    new TypeReference<McpSchema.CallToolRequest>() {});
            validator.firstProblem(
                    Schemas.input().required("cli", Schemas.string(null)).build(), request.arguments(), "");
            Map<String, Object> structured =
                    StructuredContent.object("success", true, "session", StructuredContent.object("id", "gw-0"));
            McpSchema.CallToolResult result = McpSchema.CallToolResult.builder()
                    .addTextContent(mapper.writeValueAsString(structured))
                    .structuredContent(structured)
                    .isError(false)
                    .build();
            mapper.writeValueAsBytes(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, 0, result, null));
            sessions.list(Principal.LOCAL, Optional.empty(), 1, 0);
        } catch (IOException | RuntimeException e) {
            // Only a head start: the first real call does the same work and reports any problem itself.
            log.debug("warm-up of the request path stopped: {}", e.toString());
        }
    }
}
