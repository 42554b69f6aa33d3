package io.llmgateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.HttpConfig;
import io.llmgateway.core.Json;
import io.llmgateway.core.Principal;
import io.llmgateway.grant.GrantFile;
import io.llmgateway.grant.GrantTokens;
import io.llmgateway.policy.PolicyGuard;
import io.llmgateway.server.Gateway;
import io.llmgateway.session.SessionStore;
import io.llmgateway.tools.CallerContext;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway over Streamable HTTP: the SDK's servlet transport on embedded Jetty, behind the gateway's
 * access filters, plus the public health and metadata endpoints. Loaded only when serving HTTP, so the
 * stdio start-up path never loads Jetty or nimbus.
 */
public final class HttpGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGateway.class);
    /** How long in-flight calls may take to finish once shutdown begins. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final Server server;
    private final ServerConnector connector;
    private final Gateway gateway;
    private final McpAccessFilter access;
    private final ScheduledExecutorService timer;
    private final URI url;

    private HttpGateway(
            Server server,
            ServerConnector connector,
            Gateway gateway,
            McpAccessFilter access,
            ScheduledExecutorService timer,
            URI url) {
        this.server = server;
        this.connector = connector;
        this.gateway = gateway;
        this.access = access;
        this.timer = timer;
        this.url = url;
    }

    /**
     * Binds the port and serves. Takes ownership of {@code store} and {@code policy}.
     *
     * @throws IllegalStateException when the address is not loopback and no grant or JWT issuer lets anyone
     *                               in, or the grants file cannot be read: refuse to start
     */
    public static HttpGateway start(
            GatewayConfig config, HttpConfig http, SessionStore store, PolicyGuard policy, Clock clock)
            throws Exception {
        GrantTokens grants;
        try {
            grants = new GrantTokens(new GrantFile(config.dataDir()), clock);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (!isLoopback(http.host()) && grants.usableCount() == 0 && http.jwt().isEmpty()) {
            throw new IllegalStateException("LLM_GATEWAY_HTTP_HOST " + http.host() + " is reachable from other "
                    + "machines, and no grant or JWT issuer is configured, so nobody could be let in safely; add one "
                    + "with 'java -jar llm-cli-gateway.jar grant add NAME', or set LLM_GATEWAY_OAUTH_ISSUER and "
                    + "LLM_GATEWAY_OAUTH_JWKS_URL");
        }
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("http");
        Server server = new Server(threads);
        HttpConfiguration httpConfiguration = new HttpConfiguration();
        httpConfiguration.setSendServerVersion(false);
        httpConfiguration.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
        connector.setHost(http.host());
        connector.setPort(http.port());
        server.addConnector(connector);
        connector.open(); // binds now: the URL (and the default resource URL) needs the real port
        URI url = URI.create("http://" + hostForUrl(http.host()) + ":" + connector.getLocalPort() + http.path());
        URI resource = http.publicUrl().orElse(url);

        ObjectMapper mapper = Json.newMapper();
        HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(new JacksonMcpJsonMapper(mapper))
                .mcpEndpoint(http.path())
                .maxRequestSize(http.maxBodyBytes())
                .sessionSweepInterval(http.sessionIdle())
                .contextExtractor(request ->
                        request.getAttribute(McpAccessFilter.PRINCIPAL_ATTRIBUTE) instanceof Principal principal
                                        && request.getAttribute(McpAccessFilter.CANCEL_ATTRIBUTE)
                                                instanceof DisconnectSignal cancel
                                ? CallerContext.of(principal, cancel)
                                : McpTransportContext.EMPTY)
                .build();
        Gateway gateway = Gateway.assemble(
                config,
                store,
                policy,
                clock,
                mapper,
                listFilter -> McpServer.sync(new ListFilteringTransport(provider, listFilter)),
                server::join);

        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "http-keepalive");
            thread.setDaemon(true);
            return thread;
        });
        // Every POST schedules keep-alives and most cancel them within milliseconds: drop those at once.
        timer.setRemoveOnCancelPolicy(true);
        SessionBindings bindings = new SessionBindings();
        // The SDK ends a session idle for one to two sweep intervals; its binding can go a while after that.
        long forgetMillis = http.sessionIdle().multipliedBy(3).toMillis();
        timer.scheduleWithFixedDelay(
                () -> bindings.forgetIdle(http.sessionIdle().multipliedBy(3)),
                forgetMillis,
                forgetMillis,
                TimeUnit.MILLISECONDS);
        Optional<JwtVerifier> jwt = http.jwt().map(issuer -> new JwtVerifier(issuer, resource));
        URI metadataUrl = URI.create(resource.getScheme() + "://" + resource.getRawAuthority()
                + PublicServlet.METADATA_PATH + resource.getRawPath());
        McpAccessFilter access = new McpAccessFilter(
                new BearerAuthenticator(grants, jwt), metadataUrl, provider.protocolVersions(), bindings, timer);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder mcp = new ServletHolder("mcp", provider);
        mcp.setAsyncSupported(true);
        context.addServlet(mcp, http.path());
        List<String> metadataPaths =
                new ArrayList<>(List.of(PublicServlet.METADATA_PATH, PublicServlet.METADATA_PATH + http.path()));
        if (!resource.getRawPath().isEmpty()) {
            metadataPaths.add(PublicServlet.METADATA_PATH + resource.getRawPath());
        }
        context.addServlet(
                new ServletHolder(
                        "public",
                        new PublicServlet(
                                gateway::load,
                                resource,
                                metadataPaths,
                                http.jwt().map(HttpConfig.JwtIssuer::issuer))),
                "/");
        FilterHolder origin = new FilterHolder(new OriginFilter(http.allowedOrigins()));
        origin.setAsyncSupported(true);
        context.addFilter(origin, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder accessHolder = new FilterHolder(access);
        accessHolder.setAsyncSupported(true);
        context.addFilter(accessHolder, http.path(), EnumSet.of(DispatcherType.REQUEST));

        server.setHandler(context);
        server.setStopAtShutdown(false); // close() drains and stops it, then the services
        try {
            server.start();
        } catch (Exception e) {
            gateway.close();
            timer.shutdownNow();
            throw e;
        }
        LOG.info(
                "serving MCP over HTTP at {} ({} usable grant(s){})",
                url,
                grants.usableCount(),
                jwt.isPresent() ? ", JWTs of " + http.jwt().get().issuer() : "");
        return new HttpGateway(server, connector, gateway, access, timer, url);
    }

    /** The MCP endpoint as bound, e.g. {@code http://127.0.0.1:3333/mcp}. */
    public URI url() {
        return url;
    }

    public Gateway gateway() {
        return gateway;
    }

    /**
     * Stops accepting, lets calls in flight finish (at most {@link #SHUTDOWN_GRACE}), then closes the
     * gateway. Jobs run on under their supervisors; deferred requests are handed over as on stdio.
     */
    @Override
    public void close() {
        try {
            connector.close(); // no new connections; the open ones get 503 for new requests
        } catch (RuntimeException e) {
            LOG.warn("closing the listening socket: {}", e.toString());
        }
        int unanswered = access.drain(SHUTDOWN_GRACE);
        if (unanswered > 0) {
            LOG.warn("{} call(s) still unanswered after {} s; stopping anyway", unanswered, SHUTDOWN_GRACE.toSeconds());
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        timer.shutdownNow();
        gateway.close();
    }

    private static boolean isLoopback(String host) {
        if (HttpConfig.isLoopbackName(host)) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
