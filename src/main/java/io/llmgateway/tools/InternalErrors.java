package io.llmgateway.tools;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failures nobody anticipated (bugs), as clients see them: a message that says only that the error is
 * internal, with a correlation id under which stderr has the failure and its stack trace. JSON-RPC errors
 * the gateway composes itself carry structured {@code data} (a correlation id or an error code); a -32603
 * without it comes from inside the SDK and is rewritten by the transport.
 */
public final class InternalErrors {
    private static final Logger log = LoggerFactory.getLogger(InternalErrors.class);
    static final String CORRELATION_ID = "correlationId";

    private InternalErrors() {}

    /** Logs the failure with its stack trace under a new correlation id, and returns the id. */
    public static String log(String during, Throwable failure) {
        String id = newId();
        log.error("Internal error {} {}", id, during, failure);
        return id;
    }

    /** Logs a failure known only by its description (the SDK kept the exception), and returns the id. */
    public static String log(String during, String description) {
        String id = newId();
        log.error("Internal error {} {}: {}", id, during, description);
        return id;
    }

    /** What the client is told about the failure logged under {@code correlationId}. */
    public static String message(String correlationId) {
        return "Internal error in the gateway; its log (stderr) has the details under " + correlationId + ".";
    }

    /** The JSON-RPC error (-32603) for the failure logged under {@code correlationId}. */
    public static McpSchema.JSONRPCResponse.JSONRPCError error(String correlationId) {
        return new McpSchema.JSONRPCResponse.JSONRPCError(
                McpSchema.ErrorCodes.INTERNAL_ERROR, message(correlationId), Map.of(CORRELATION_ID, correlationId));
    }

    /** Logs the failure and returns the exception a handler throws to answer with {@link #error}. */
    public static McpError exception(String during, Throwable failure) {
        return new McpError(error(log(during, failure)));
    }

    /** Whether the gateway composed this error (with structured data), so it is plain already. */
    public static boolean composedByGateway(McpSchema.JSONRPCResponse.JSONRPCError error) {
        return error.data() instanceof Map<?, ?> data
                && (data.containsKey(CORRELATION_ID) || data.containsKey("errorCode"));
    }

    private static String newId() {
        return "err-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
