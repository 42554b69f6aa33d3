package io.llmgateway.tools;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/**
 * Leaves out of {@code resources/list} and {@code resources/templates/list} what the policy denies. The
 * SDK filters only tool lists, so this sits between the server and its (stdio) transport and filters the
 * list results on their way out, against the policy as it is at that moment ({@link #of} does the
 * filtering; the HTTP transport applies the same function to its per-request streams).
 */
public final class ResourceListFilter implements McpServerTransportProvider {
    private final McpServerTransportProvider transport;
    private final UnaryOperator<McpSchema.JSONRPCMessage> filter;

    public ResourceListFilter(McpServerTransportProvider transport, UnaryOperator<McpSchema.JSONRPCMessage> filter) {
        this.transport = transport;
        this.filter = filter;
    }

    /** Filters list results (other messages pass unchanged) with the predicates as they are at that moment. */
    public static UnaryOperator<McpSchema.JSONRPCMessage> of(
            Predicate<McpSchema.Resource> listedResource, Predicate<McpSchema.ResourceTemplate> listedTemplate) {
        return message -> filtered(message, listedResource, listedTemplate);
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        transport.setSessionFactory(sessionTransport -> sessionFactory.create(new Filtering(sessionTransport)));
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return transport.notifyClients(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return transport.notifyClient(sessionId, method, params);
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return transport.closeGracefully();
    }

    @Override
    public List<String> protocolVersions() {
        return transport.protocolVersions();
    }

    private static McpSchema.JSONRPCMessage filtered(
            McpSchema.JSONRPCMessage message,
            Predicate<McpSchema.Resource> listedResource,
            Predicate<McpSchema.ResourceTemplate> listedTemplate) {
        if (!(message instanceof McpSchema.JSONRPCResponse response)) {
            return message;
        }
        Object result = response.result();
        if (result instanceof McpSchema.ListResourcesResult list) {
            result = new McpSchema.ListResourcesResult(
                    list.resources().stream().filter(listedResource).toList(), list.nextCursor(), list.meta());
        } else if (result instanceof McpSchema.ListResourceTemplatesResult list) {
            result = new McpSchema.ListResourceTemplatesResult(
                    list.resourceTemplates().stream().filter(listedTemplate).toList(), list.nextCursor(), list.meta());
        } else {
            return message;
        }
        return new McpSchema.JSONRPCResponse(response.jsonrpc(), response.id(), result, response.error());
    }

    /** The session's transport, with list results filtered. */
    private final class Filtering implements McpServerTransport {
        private final McpServerTransport sessionTransport;

        Filtering(McpServerTransport sessionTransport) {
            this.sessionTransport = sessionTransport;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.defer(() -> sessionTransport.sendMessage(filter.apply(message)));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return sessionTransport.unmarshalFrom(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return sessionTransport.closeGracefully();
        }

        @Override
        public void close() {
            sessionTransport.close();
        }

        @Override
        public List<String> protocolVersions() {
            return sessionTransport.protocolVersions();
        }
    }
}
