package io.llmgateway.http;

import io.llmgateway.config.HttpConfig;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * DNS-rebinding defence (the Streamable HTTP spec requires it): a request that carries an {@code Origin}
 * header is refused with 403 unless that origin is listed in {@code LLM_GATEWAY_HTTP_ALLOWED_ORIGINS}.
 * Agent hosts send no Origin; a web page always does, so a page on another site cannot reach the gateway
 * through the browser, whatever name it resolves to 127.0.0.1.
 */
final class OriginFilter extends HttpFilter {
    private final List<String> allowed;

    OriginFilter(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader(HttpHeaderNames.ORIGIN);
        if (origin != null && !allowed.contains(HttpConfig.normalizeOrigin(origin))) {
            JsonResponses.error(
                    response,
                    HttpServletResponse.SC_FORBIDDEN,
                    "forbidden_origin",
                    "Requests from the web origin " + origin + " are not allowed; an operator can list it in "
                            + "LLM_GATEWAY_HTTP_ALLOWED_ORIGINS.");
            return;
        }
        chain.doFilter(request, response);
    }
}
