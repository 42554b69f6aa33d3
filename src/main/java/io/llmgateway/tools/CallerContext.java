package io.llmgateway.tools;

import io.llmgateway.core.CancelSignal;
import io.llmgateway.core.Principal;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Map;

/**
 * What a transport tells the tools about a request, carried in the SDK's transport context: who makes it
 * (the grant) and the call's cancel signal. The stdio transport names {@code local}; the HTTP transport the
 * grant of the request's bearer token. A request without a principal is refused rather than taken for
 * {@code local}.
 */
public final class CallerContext {
    private static final String PRINCIPAL = "io.llmgateway.principal";

    private CallerContext() {}

    public static McpTransportContext of(Principal principal, CancelSignal cancel) {
        return McpTransportContext.create(Map.of(PRINCIPAL, principal, McpToolBinding.CANCEL_SIGNAL, cancel));
    }

    /** @throws IllegalStateException when the transport named nobody (a wiring error: fail closed) */
    static Principal principal(McpTransportContext context) {
        if (context != null && context.get(PRINCIPAL) instanceof Principal principal) {
            return principal;
        }
        throw new IllegalStateException("the transport did not name the caller of this request");
    }

    static CancelSignal cancelSignal(McpTransportContext context) {
        return context != null && context.get(McpToolBinding.CANCEL_SIGNAL) instanceof CancelSignal cancel
                ? cancel
                : CancelSignal.NONE;
    }
}
