package io.llmgateway.http;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The SDK's servlet transport with resource lists filtered as over stdio ({@link
 * io.llmgateway.tools.ResourceListFilter}): the SDK filters only tool lists. The servlet writes each answer to
 * the stream of the request it answers, which it gets from the MCP session, so the sessions this hands the
 * servlet pass their request streams through the filter. Everything else is the SDK's own session.
 */
final class ListFilteringTransport implements McpStreamableServerTransportProvider {
    private final HttpServletStreamableServerTransportProvider servlet;
    private final UnaryOperator<McpSchema.JSONRPCMessage> filter;

    ListFilteringTransport(
            HttpServletStreamableServerTransportProvider servlet, UnaryOperator<McpSchema.JSONRPCMessage> filter) {
        this.servlet = servlet;
        this.filter = filter;
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory factory) {
        servlet.setSessionFactory(initialize -> {
            McpStreamableServerSession.McpStreamableServerSessionInit init = factory.startSession(initialize);
            return new McpStreamableServerSession.McpStreamableServerSessionInit(
                    new FilteringSession(init.session()), init.initResult());
        });
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return servlet.notifyClients(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return servlet.notifyClient(sessionId, method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return servlet.closeGracefully();
    }

    @Override
    public void close() {
        servlet.close();
    }

    @Override
    public List<String> protocolVersions() {
        return servlet.protocolVersions();
    }

    /** The SDK's session, its request streams filtered; every call goes to it (this object holds no state). */
    private final class FilteringSession extends McpStreamableServerSession {
        private final McpStreamableServerSession session;

        FilteringSession(McpStreamableServerSession session) {
            super(session.getId(), null, null, Duration.ofSeconds(1), Map.of(), Map.of());
            this.session = session;
        }

        @Override
        public McpStreamableServerSessionStream responseStream(McpStreamableServerTransport transport) {
            return session.responseStream(new FilteringStream(transport));
        }

        @Override
        public Mono<Void> responseStream(McpSchema.JSONRPCRequest request, McpStreamableServerTransport transport) {
            return session.responseStream(request, new FilteringStream(transport));
        }

        @Override
        public McpStreamableServerSessionStream listeningStream(McpStreamableServerTransport transport) {
            return session.listeningStream(transport);
        }

        @Override
        public String getId() {
            return session.getId();
        }

        @Override
        public void setMinLoggingLevel(McpSchema.LoggingLevel level) {
            session.setMinLoggingLevel(level);
        }

        @Override
        public boolean isNotificationForLevelAllowed(McpSchema.LoggingLevel level) {
            return session.isNotificationForLevelAllowed(level);
        }

        @Override
        public <T> Mono<T> sendRequest(String method, Object params, TypeRef<T> type) {
            return session.sendRequest(method, params, type);
        }

        @Override
        public Mono<Void> sendNotification(String method, Object params) {
            return session.sendNotification(method, params);
        }

        @Override
        public Mono<Void> delete() {
            return session.delete();
        }

        @Override
        public boolean hasListeningStream() {
            return session.hasListeningStream();
        }

        @Override
        public boolean hasOpenStream() {
            return session.hasOpenStream();
        }

        @Override
        public void releaseListeningStream() {
            session.releaseListeningStream();
        }

        @Override
        public Flux<McpSchema.JSONRPCMessage> replay(Object lastEventId) {
            return session.replay(lastEventId);
        }

        @Override
        public Mono<Void> accept(McpSchema.JSONRPCNotification notification) {
            return session.accept(notification);
        }

        @Override
        public Mono<Void> accept(McpSchema.JSONRPCResponse response) {
            return session.accept(response);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return session.closeGracefully();
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /** One request's stream, with list results filtered on their way out. */
    private final class FilteringStream implements McpStreamableServerTransport {
        private final McpStreamableServerTransport stream;

        FilteringStream(McpStreamableServerTransport stream) {
            this.stream = stream;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.defer(() -> stream.sendMessage(filter.apply(message)));
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
            return Mono.defer(() -> stream.sendMessage(filter.apply(message), messageId));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return stream.unmarshalFrom(data, type);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return stream.closeGracefully();
        }

        @Override
        public void close() {
            stream.close();
        }

        @Override
        public List<String> protocolVersions() {
            return stream.protocolVersions();
        }
    }
}
