package io.llmgateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.job.JobService;
import io.llmgateway.session.SessionService;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gateway state as MCP resources, for hosts that let people browse them, as JSON: {@code sessions://all}
 * and {@code sessions://{cli}} (the newest-used session records and the active session per provider),
 * {@code jobs://recent} (the newest jobs of every gateway sharing the data directory).
 */
public final class GatewayResources {
    static final int MAX_SESSIONS = 100;
    static final int RECENT_JOBS = 50;
    private static final String JSON = "application/json";
    /** MCP's "resource not found". */
    private static final int RESOURCE_NOT_FOUND = -32002;

    private final SessionService sessions;
    private final JobService jobs;
    private final ObjectMapper mapper;

    public GatewayResources(SessionService sessions, JobService jobs, ObjectMapper mapper) {
        this.sessions = sessions;
        this.jobs = jobs;
        this.mapper = mapper;
    }

    public List<McpServerFeatures.SyncResourceSpecification> resources() {
        McpSchema.Resource all = McpSchema.Resource.builder("sessions://all", "sessions")
                .title("Gateway sessions")
                .description("Gateway session records of every provider, newest-used first (at most " + MAX_SESSIONS
                        + "), and the active session per provider.")
                .mimeType(JSON)
                .build();
        McpSchema.Resource recentJobs = McpSchema.Resource.builder("jobs://recent", "recent-jobs")
                .title("Recent jobs")
                .description("The " + RECENT_JOBS + " newest jobs of every gateway sharing the data directory, with their "
                        + "status, and how many there are in all.")
                .mimeType(JSON)
                .build();
        return List.of(
                new McpServerFeatures.SyncResourceSpecification(all,
                        (exchange, request) -> readSessions(request.uri(), Optional.empty())),
                new McpServerFeatures.SyncResourceSpecification(recentJobs,
                        (exchange, request) -> readJobs(request.uri())));
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
            return readSessions(request.uri(), Optional.of(provider));
        }));
    }

    private McpSchema.ReadResourceResult readSessions(String uri, Optional<ProviderId> cli) {
        SessionService.SessionPage page = unlessFailing(() -> sessions.list(cli, MAX_SESSIONS, 0));
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
        return json(uri, content);
    }

    private McpSchema.ReadResourceResult readJobs(String uri) {
        JobService.JobPage page = unlessFailing(() -> jobs.list(Optional.empty(), Optional.empty(), RECENT_JOBS, 0));
        return json(uri, Structured.of("total", page.total(), "truncated", page.total() > page.jobs().size(),
                "jobs", page.jobs().stream().map(JobTools::jobSummary).toList()));
    }

    /** A store that cannot be read is a JSON-RPC error: resources have no isError result. */
    private static <T> T unlessFailing(Supplier<T> read) {
        try {
            return read.get();
        } catch (GatewayException e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(
                    McpSchema.ErrorCodes.INTERNAL_ERROR, e.getMessage(), Map.of("errorCode", e.code().wireName())));
        } catch (RuntimeException e) {
            throw InternalErrors.exception("reading a resource", e);
        }
    }

    private McpSchema.ReadResourceResult json(String uri, Map<String, Object> content) {
        try {
            return new McpSchema.ReadResourceResult(List.of(
                    new McpSchema.TextResourceContents(uri, JSON, mapper.writeValueAsString(content))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("summaries of records always serialise", e);
        }
    }
}
