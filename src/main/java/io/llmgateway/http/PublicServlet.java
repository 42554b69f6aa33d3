package io.llmgateway.http;

import io.llmgateway.server.Gateway;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What needs no token: {@code GET /healthz} (liveness and load figures, never data) and the OAuth 2.0
 * Protected Resource Metadata (RFC 9728) at {@code /.well-known/oauth-protected-resource} and its
 * path-suffixed form. Every other path outside the MCP endpoint is 404.
 */
final class PublicServlet extends HttpServlet {
    static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

    private final Supplier<Gateway.Load> load;
    private final URI resource;
    private final List<String> metadataPaths;
    private final Optional<String> authorizationServer;

    /** @param metadataPaths the metadata's own paths: the bare one and the resource-path-suffixed ones */
    PublicServlet(
            Supplier<Gateway.Load> load,
            URI resource,
            List<String> metadataPaths,
            Optional<String> authorizationServer) {
        this.load = load;
        this.resource = resource;
        this.metadataPaths = List.copyOf(metadataPaths);
        this.authorizationServer = authorizationServer;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        if (path.equals("/healthz")) {
            Gateway.Load now = load.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", true);
            body.put("inFlightCalls", now.inFlightCalls());
            body.put("runningJobs", now.runningJobs());
            body.put("queuedJobs", now.queuedJobs());
            JsonResponses.send(response, HttpServletResponse.SC_OK, body);
        } else if (metadataPaths.contains(path)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("resource", resource.toString());
            authorizationServer.ifPresent(issuer -> body.put("authorization_servers", List.of(issuer)));
            body.put("bearer_methods_supported", List.of("header"));
            body.put("resource_name", Gateway.NAME);
            JsonResponses.send(response, HttpServletResponse.SC_OK, body);
        } else {
            notFound(response);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())) {
            try {
                super.service(request, response);
            } catch (jakarta.servlet.ServletException e) {
                throw new IOException(e);
            }
        } else if (isKnown(request.getRequestURI())) {
            response.setHeader("Allow", "GET, HEAD");
            JsonResponses.error(
                    response,
                    HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    request.getMethod() + " is not supported here; use GET.");
        } else {
            notFound(response);
        }
    }

    private boolean isKnown(String path) {
        return path.equals("/healthz") || metadataPaths.contains(path);
    }

    private static void notFound(HttpServletResponse response) throws IOException {
        JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND, "not_found", "No such resource.");
    }
}
