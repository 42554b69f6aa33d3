package io.llmgateway.tools;

import io.llmgateway.core.CallCancellation;
import io.llmgateway.core.Principal;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Map;

/**
 * What a transport tells the tools about a request, carried in the SDK's transport context: who makes it
 * (the grant) and how the transport cancels it. The stdio transport gives every request {@link #LOCAL};
 * the HTTP transport one context per HTTP request. A request without a principal is refused rather than
 * taken for {@code local}.
 */
public final class CallerContext {
    private static final String PRINCIPAL = "io.llmgateway.principal";
    private static final String CANCELLATION = "io.llmgateway.cancellation";

    /** The stdio caller: the grant {@code local}, cancelled by nobody. */
    public static final McpTransportContext LOCAL = of(Principal.LOCAL, CallCancellation.none());

    private CallerContext() {
    }

    public static McpTransportContext of(Principal principal, CallCancellation cancellation) {
        return McpTransportContext.create(Map.of(PRINCIPAL, principal, CANCELLATION, cancellation));
    }

    /** @throws IllegalStateException when the transport named nobody (a wiring error: fail closed) */
    static Principal principal(McpTransportContext context) {
        if (context != null && context.get(PRINCIPAL) instanceof Principal principal) {
            return principal;
        }
        throw new IllegalStateException("the transport did not name the caller of this request");
    }

    static CallCancellation cancellation(McpTransportContext context) {
        return context != null && context.get(CANCELLATION) instanceof CallCancellation cancellation
                ? cancellation : CallCancellation.none();
    }
}
