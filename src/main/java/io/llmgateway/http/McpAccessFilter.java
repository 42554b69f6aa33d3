package io.llmgateway.http;

import io.llmgateway.core.Principal;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In front of the SDK's MCP servlet: every request needs a bearer token (401 with the protected resource
 * metadata's URL otherwise), a known {@code MCP-Protocol-Version} when it sends one (400), and a session id
 * of its own grant (404 for another grant's). It hands the grant and the call's cancellation to the SDK
 * (request attributes the context extractor reads) and wraps the response so a quick answer is JSON and a
 * long one an SSE stream whose keep-alives notice a client that went away.
 */
final class McpAccessFilter extends HttpFilter {
    static final String PRINCIPAL_ATTRIBUTE = "io.llmgateway.principal";
    static final String CANCEL_ATTRIBUTE = "io.llmgateway.cancel";
    /** A POST still unanswered after this becomes an SSE stream with keep-alives. */
    static final Duration SSE_AFTER = Duration.ofSeconds(1);

    static final Duration POST_KEEP_ALIVE = Duration.ofSeconds(1);
    static final Duration GET_KEEP_ALIVE = Duration.ofSeconds(15);

    private final BearerAuthenticator authenticator;
    private final URI resourceMetadataUrl;
    private final List<String> protocolVersions;
    private final SessionBindings bindings;
    private final ScheduledExecutorService timer;
    private final Set<AsyncContext> openStreams = ConcurrentHashMap.newKeySet();
    /** Requests inside the SDK's servlet: a POST stays there until its answer is written. */
    private final AtomicInteger inFlight = new AtomicInteger();

    private volatile boolean shuttingDown;

    McpAccessFilter(
            BearerAuthenticator authenticator,
            URI resourceMetadataUrl,
            List<String> protocolVersions,
            SessionBindings bindings,
            ScheduledExecutorService timer) {
        this.authenticator = authenticator;
        this.resourceMetadataUrl = resourceMetadataUrl;
        this.protocolVersions = List.copyOf(protocolVersions);
        this.bindings = bindings;
        this.timer = timer;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (shuttingDown) {
            response.setHeader("Connection", "close");
            JsonResponses.jsonRpcError(
                    response,
                    HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    -32000,
                    "The gateway is shutting down; retry on another gateway or after it restarts.");
            return;
        }
        BearerAuthenticator.Result auth = authenticator.authenticate(request.getHeader(HttpHeaderNames.AUTHORIZATION));
        Optional<Principal> principal = auth.principal();
        if (principal.isEmpty()) {
            unauthorized(response, auth.tokenSent());
            return;
        }
        String version = request.getHeader(HttpHeaderNames.MCP_PROTOCOL_VERSION);
        if (version != null && !protocolVersions.contains(version.trim())) {
            JsonResponses.jsonRpcError(
                    response,
                    HttpServletResponse.SC_BAD_REQUEST,
                    -32600,
                    "Unsupported "
                            + HttpHeaderNames.MCP_PROTOCOL_VERSION + " '" + version + "'; this server speaks "
                            + String.join(", ", protocolVersions));
            return;
        }
        String sessionId = request.getHeader(HttpHeaderNames.MCP_SESSION_ID);
        if (sessionId != null && !bindings.allows(sessionId, principal.get())) {
            JsonResponses.jsonRpcError(response, HttpServletResponse.SC_NOT_FOUND, -32001, "Session not found");
            return;
        }
        DisconnectSignal cancel = new DisconnectSignal();
        request.setAttribute(PRINCIPAL_ATTRIBUTE, principal.get());
        request.setAttribute(CANCEL_ATTRIBUTE, cancel);
        boolean stream = "GET".equals(request.getMethod());
        StreamingResponse wrapped = new StreamingResponse(
                request,
                response,
                !stream,
                SSE_AFTER,
                stream ? GET_KEEP_ALIVE : POST_KEEP_ALIVE,
                timer,
                cancel::fire,
                issued -> bindings.bind(issued, principal.get()));
        inFlight.incrementAndGet();
        try {
            chain.doFilter(request, wrapped);
        } finally {
            inFlight.decrementAndGet();
        }
        if (stream && request.isAsyncStarted()) {
            track(request.getAsyncContext());
        }
        if ("DELETE".equals(request.getMethod()) && sessionId != null && response.getStatus() < 300) {
            bindings.forget(sessionId);
        }
    }

    /**
     * Shutdown: refuses new requests (503), waits at most {@code grace} for the ones in flight to be answered,
     * then ends the notification streams; returns how many requests were still unanswered.
     */
    int drain(Duration grace) {
        shuttingDown = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        endStreams();
        return inFlight.get();
    }

    private void endStreams() {
        for (AsyncContext context : openStreams) {
            try {
                context.complete();
            } catch (IllegalStateException e) {
                // already completed
            }
        }
        openStreams.clear();
    }

    private void track(AsyncContext context) {
        openStreams.add(context);
        context.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                openStreams.remove(context);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                openStreams.remove(context);
            }

            @Override
            public void onError(AsyncEvent event) {
                openStreams.remove(context);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not re-dispatched
            }
        });
    }

    private void unauthorized(HttpServletResponse response, boolean tokenSent) throws IOException {
        // RFC 6750: no error code when the request had no credentials; invalid_token when it had wrong ones.
        String challenge = "Bearer resource_metadata=\"" + resourceMetadataUrl + "\""
                + (tokenSent ? ", error=\"invalid_token\", error_description=\"The access token is not valid\"" : "");
        response.setHeader(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        JsonResponses.error(
                response,
                HttpServletResponse.SC_UNAUTHORIZED,
                tokenSent ? "invalid_token" : "unauthorized",
                tokenSent
                        ? "The bearer token is not valid: unknown, revoked or expired (or a JWT that fails its checks)."
                        : "Send Authorization: Bearer <token>; 'java -jar llm-cli-gateway.jar grant add NAME' makes one.");
    }
}
