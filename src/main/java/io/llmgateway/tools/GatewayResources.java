package io.llmgateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionService;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gateway state as MCP resources, for hosts that let people browse them: {@code sessions://all} and
 * {@code sessions://{cli}} (the newest-used session records and the active session per provider), as JSON.
 */
public final class GatewayResources {
    static final int MAX_SESSIONS = 100;
    private static final String JSON = "application/json";
    /** MCP's "resource not found". */
    private static final int RESOURCE_NOT_FOUND = -32002;

    private final SessionService sessions;
    private final ObjectMapper mapper;

    public GatewayResources(SessionService sessions, ObjectMapper mapper) {
        this.sessions = sessions;
        this.mapper = mapper;
    }

    public List<McpServerFeatures.SyncResourceSpecification> resources() {
        McpSchema.Resource all = McpSchema.Resource.builder("sessions://all", "sessions")
                .title("Gateway sessions")
                .description("Gateway session records of every provider, newest-used first (at most " + MAX_SESSIONS
                        + "), and the active session per provider.")
                .mimeType(JSON)
                .build();
        return List.of(new McpServerFeatures.SyncResourceSpecification(all,
                (exchange, request) -> read(request.uri(), Optional.empty())));
    }

    public List<McpServerFeatures.SyncResourceTemplateSpecification> templates() {
        McpSchema.ResourceTemplate perProvider = McpSchema.ResourceTemplate.builder()
                .uriTemplate("sessions://{cli}")
                .name("provider-sessions")
                .title("Gateway sessions of one provider")
                .description("Gateway session records of one provider (" + String.join(", ", ProviderId.wireNames())
                        + "), newest-used first (at most " + MAX_SESSIONS + "), and its active session.")
                .mimeType(JSON)
                .build();
        return List.of(new McpServerFeatures.SyncResourceTemplateSpecification(perProvider, (exchange, request) -> {
            String cli = request.uri().substring("sessions://".length());
            ProviderId provider = ProviderId.fromWireName(cli).orElseThrow(() -> new McpError(
                    new McpSchema.JSONRPCResponse.JSONRPCError(RESOURCE_NOT_FOUND, "Resource not found: " + request.uri()
                            + " (use sessions://all or sessions://<" + String.join("|", ProviderId.wireNames()) + ">)", null)));
            return read(request.uri(), Optional.of(provider));
        }));
    }

    private McpSchema.ReadResourceResult read(String uri, Optional<ProviderId> cli) {
        SessionService.SessionPage page;
        try {
            page = sessions.list(cli, MAX_SESSIONS, 0);
        } catch (GatewayException e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(
                    McpSchema.ErrorCodes.INTERNAL_ERROR, e.getMessage(), null));
        }
        Map<String, Object> active = new LinkedHashMap<>();
        for (ProviderId p : ProviderId.values()) {
            if (cli.isEmpty() || cli.get() == p) {
                active.put(p.wireName(), page.activeSessions().get(p));
            }
        }
        Map<String, Object> content = Structured.of("total", page.total(),
                "truncated", page.total() > page.sessions().size(),
                "sessions", page.sessions().stream().map(SessionTools::sessionSummary).toList(),
                "activeSessions", active);
        if (!page.warnings().isEmpty()) {
            content.put("warnings", page.warnings());
        }
        try {
            return new McpSchema.ReadResourceResult(List.of(
                    new McpSchema.TextResourceContents(uri, JSON, mapper.writeValueAsString(content))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("session summaries always serialise", e);
        }
    }
}
