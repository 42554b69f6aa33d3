package io.llmgateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.job.JobService;
import io.llmgateway.model.ModelCatalog;
import io.llmgateway.policy.ArgumentIdentity;
import io.llmgateway.policy.GuardedCall;
import io.llmgateway.policy.PolicyGuard;
import io.llmgateway.policy.ToolCallAdapter;
import io.llmgateway.recorder.FlightRecorder;
import io.llmgateway.recorder.PerformanceSummary;
import io.llmgateway.session.SessionService;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gateway state as MCP resources, for hosts that let people browse them, as JSON: {@code sessions://all}
 * and {@code sessions://{cli}} (the newest-used session records and the active session per provider),
 * {@code jobs://recent} (the newest jobs of every gateway sharing the data directory).
 *
 * <p>Each resource shows what a tool shows, and obeys that tool's policy: a read is admitted, counted,
 * denied and audited as the call of {@code session_list} or {@code llm_job_list} it stands for (the
 * first page, default size), and a resource whose call the policy denies is not listed. Like the tools,
 * each shows only the reading grant's own sessions and jobs. {@code metrics://usage} is the call of
 * {@code llm_usage} without a filter: the reading grant's tokens and cost over the recorder's retention.
 * {@code models://{cli}} (one resource per provider, as the original has them) is the call of {@code list_models}
 * for that cli, in the original's shape. {@code metrics://performance} (the original's counts, rates and average
 * response time per provider, with latency percentiles) reads the flight recorder like metrics://usage, under
 * its policy.
 */
public final class GatewayResources {
    static final int MAX_SESSIONS = SessionTools.DEFAULT_LIST_LIMIT;
    static final int RECENT_JOBS = JobTools.DEFAULT_LIST_LIMIT;
    static final String SESSIONS_TOOL = "session_list";
    static final String JOBS_TOOL = "llm_job_list";
    private static final String JSON = "application/json";
    private static final String ALL_SESSIONS = "sessions://all";
    private static final String PROVIDER_SESSIONS = "sessions://";
    private static final String RECENT_JOBS_URI = "jobs://recent";
    private static final String USAGE_URI = "metrics://usage";
    private static final String PERFORMANCE_URI = "metrics://performance";
    private static final String MODELS = "models://";
    static final String MODELS_TOOL = "list_models";
    /** MCP's "resource not found": also what a read the policy refuses gets, as its resource is not listed. */
    private static final int RESOURCE_NOT_FOUND = -32002;

    private static final ToolCallAdapter<McpSchema.ReadResourceResult> ADAPTER = new ToolCallAdapter<>() {
        @Override
        public McpSchema.ReadResourceResult failed(GatewayException failure) {
            boolean denial = failure.code() == ErrorCode.POLICY_DENIED || failure.code() == ErrorCode.RATE_LIMITED;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("errorCode", failure.code().wireName());
            failure.details().forEach(data::putIfAbsent);
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(
                    denial ? RESOURCE_NOT_FOUND : McpSchema.ErrorCodes.INTERNAL_ERROR, failure.getMessage(), data));
        }

        @Override
        public CallOutcome outcomeOf(McpSchema.ReadResourceResult result) {
            return CallOutcome.OK;
        }
    };

    private final SessionService sessions;
    private final JobService jobs;
    private final FlightRecorder recorder;
    private final ModelCatalog models;
    private final Clock clock;
    private final PolicyGuard policy;
    private final ObjectMapper mapper;

    public GatewayResources(
            SessionService sessions,
            JobService jobs,
            FlightRecorder recorder,
            ModelCatalog models,
            PolicyGuard policy,
            ObjectMapper mapper,
            Clock clock) {
        this.sessions = sessions;
        this.jobs = jobs;
        this.recorder = recorder;
        this.models = models;
        this.clock = clock;
        this.policy = policy;
        this.mapper = mapper;
    }

    public List<McpServerFeatures.SyncResourceSpecification> resources() {
        McpSchema.Resource all = McpSchema.Resource.builder(ALL_SESSIONS, "sessions")
                .title("Gateway sessions")
                .description("Gateway session records of every provider, newest-used first (at most " + MAX_SESSIONS
                        + "), and the active session per provider.")
                .mimeType(JSON)
                .build();
        McpSchema.Resource recentJobs = McpSchema.Resource.builder(RECENT_JOBS_URI, "recent-jobs")
                .title("Recent jobs")
                .description(
                        "The " + RECENT_JOBS + " newest jobs of every gateway sharing the data directory, with their "
                                + "status, and how many there are in all.")
                .mimeType(JSON)
                .build();
        McpSchema.Resource usage = McpSchema.Resource.builder(USAGE_URI, "usage")
                .title("Usage and cost")
                .description("Tokens and cost of your requests per day, provider and model, per provider and in all, "
                        + "over the flight recorder's retention (as llm_usage without a filter).")
                .mimeType(JSON)
                .build();
        List<McpServerFeatures.SyncResourceSpecification> specifications = new ArrayList<>(List.of(
                new McpServerFeatures.SyncResourceSpecification(
                        all,
                        (exchange, request) -> policy.readResource(
                                request.uri(),
                                SESSIONS_TOOL,
                                reader(exchange),
                                ADAPTER,
                                GuardedCall.ofCanonical(
                                        sessionListArguments(Optional.empty()),
                                        () -> readSessions(reader(exchange), request.uri(), Optional.empty())))),
                new McpServerFeatures.SyncResourceSpecification(
                        recentJobs,
                        (exchange, request) -> policy.readResource(
                                request.uri(),
                                JOBS_TOOL,
                                reader(exchange),
                                ADAPTER,
                                GuardedCall.ofCanonical(
                                        jobListArguments(), () -> readJobs(reader(exchange), request.uri())))),
                new McpServerFeatures.SyncResourceSpecification(
                        usage,
                        (exchange, request) -> policy.readResource(
                                request.uri(),
                                RecorderTools.USAGE_TOOL,
                                reader(exchange),
                                ADAPTER,
                                GuardedCall.ofCanonical(
                                        usageArguments(),
                                        () -> json(
                                                request.uri(),
                                                unlessFailing(() -> RecorderTools.usage(
                                                        recorder,
                                                        reader(exchange),
                                                        new Arguments(usageArguments())))))))));
        McpSchema.Resource performance = McpSchema.Resource.builder(PERFORMANCE_URI, "performance")
                .title("Performance metrics")
                .description("Request counts, success and failure rates, average and p50/p95/p99 response times "
                        + "per provider, from the flight recorder (your requests, over its retention).")
                .mimeType(JSON)
                .build();
        specifications.add(new McpServerFeatures.SyncResourceSpecification(
                performance,
                (exchange, request) -> policy.readResource(
                        request.uri(),
                        RecorderTools.USAGE_TOOL,
                        reader(exchange),
                        ADAPTER,
                        GuardedCall.ofCanonical(
                                usageArguments(),
                                () -> json(
                                        request.uri(),
                                        performance(unlessFailing(() -> recorder.performance(reader(exchange)))))))));
        for (ProviderId provider : ProviderId.values()) {
            specifications.add(providerModels(provider));
        }
        return List.copyOf(specifications);
    }

    /** The original's performance snapshot (totals, rates, byTool), with latency percentiles beside the average. */
    private Map<String, Object> performance(PerformanceSummary summary) {
        PerformanceSummary.Figures t = summary.totals();
        Map<String, Object> byTool = new LinkedHashMap<>();
        for (PerformanceSummary.Figures f : summary.byProvider()) {
            byTool.put(
                    f.cli(),
                    StructuredContent.object(
                            "requestCount",
                            f.requestCount(),
                            "successCount",
                            f.successCount(),
                            "failureCount",
                            f.failureCount(),
                            "averageResponseTimeMs",
                            f.averageResponseTimeMs(),
                            "successRate",
                            f.successRate(),
                            "failureRate",
                            f.failureRate(),
                            "p50ResponseTimeMs",
                            f.p50Ms(),
                            "p95ResponseTimeMs",
                            f.p95Ms(),
                            "p99ResponseTimeMs",
                            f.p99Ms(),
                            "maxResponseTimeMs",
                            f.maxMs()));
        }
        return StructuredContent.object(
                "totalRequests",
                t.requestCount(),
                "totalSuccesses",
                t.successCount(),
                "totalFailures",
                t.failureCount(),
                "overallSuccessRate",
                t.successRate(),
                "overallFailureRate",
                t.failureRate(),
                "byTool",
                byTool,
                "generatedAt",
                clock.instant().toString());
    }

    /** models://{cli}: one provider's models in the original's shape, read as the list_models call for that cli. */
    private McpServerFeatures.SyncResourceSpecification providerModels(ProviderId provider) {
        McpSchema.Resource resource = McpSchema.Resource.builder(
                        MODELS + provider.wireName(), provider.wireName() + "-models")
                .title(provider.displayName() + " models")
                .description("The " + provider.displayName() + " CLI's models, aliases and default (as list_models).")
                .mimeType(JSON)
                .build();
        return new McpServerFeatures.SyncResourceSpecification(
                resource,
                (exchange, request) -> policy.readResource(
                        request.uri(),
                        MODELS_TOOL,
                        reader(exchange),
                        ADAPTER,
                        GuardedCall.ofCanonical(
                                modelListArguments(provider),
                                () -> json(request.uri(), OperationsTools.cliInfo(models.models(provider))))));
    }

    /** The list_models call models://{cli} stands for. */
    private static Map<String, Object> modelListArguments(ProviderId provider) {
        return StructuredContent.object("cli", provider.wireName());
    }

    public List<McpServerFeatures.SyncResourceTemplateSpecification> templates() {
        McpSchema.ResourceTemplate perProvider = McpSchema.ResourceTemplate.builder()
                .uriTemplate(PROVIDER_SESSIONS + "{cli}")
                .name("provider-sessions")
                .title("Gateway sessions of one provider")
                .description("Gateway session records of one provider (" + String.join(", ", ProviderId.wireNames())
                        + "), newest-used first (at most " + MAX_SESSIONS + "), and its active session.")
                .mimeType(JSON)
                .build();
        return List.of(new McpServerFeatures.SyncResourceTemplateSpecification(
                perProvider,
                (exchange, request) -> policy.readResource(
                        request.uri(),
                        SESSIONS_TOOL,
                        reader(exchange),
                        ADAPTER,
                        providerSessions(reader(exchange), request.uri()))));
    }

    /** Whether resources/list shows {@code resource}: when the policy admits the call it stands for. */
    public boolean isListed(McpSchema.Resource resource) {
        return switch (resource.uri()) {
            case ALL_SESSIONS -> policy.allows(SESSIONS_TOOL, sessionListArguments(Optional.empty()));
            case RECENT_JOBS_URI -> policy.allows(JOBS_TOOL, jobListArguments());
            case USAGE_URI, PERFORMANCE_URI -> policy.allows(RecorderTools.USAGE_TOOL, usageArguments());
            default ->
                resource.uri().startsWith(MODELS)
                        ? ProviderId.fromWireName(resource.uri().substring(MODELS.length()))
                                .map(p -> policy.allows(MODELS_TOOL, modelListArguments(p)))
                                .orElse(true)
                        : true;
        };
    }

    /** Whether resources/templates/list shows {@code template}: when its tool may be called at all. */
    public boolean isListed(McpSchema.ResourceTemplate template) {
        return !template.uriTemplate().startsWith(PROVIDER_SESSIONS) || policy.admitsTool(SESSIONS_TOOL);
    }

    /** sessions://{cli}: an unknown provider is "not found", decided (and audited) before the policy counts it. */
    private GuardedCall<McpSchema.ReadResourceResult> providerSessions(Principal reader, String uri) {
        return new GuardedCall<>() {
            private ProviderId provider;

            @Override
            public Canonical canonicalise() {
                String cli = uri.substring(PROVIDER_SESSIONS.length());
                provider = ProviderId.fromWireName(cli)
                        .orElseThrow(() -> new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(
                                RESOURCE_NOT_FOUND,
                                "Resource not found: " + uri
                                        + " (use sessions://all or sessions://<"
                                        + String.join("|", ProviderId.wireNames())
                                        + ">)",
                                null)));
                return new Canonical(sessionListArguments(Optional.of(provider)), ArgumentIdentity.AS_IS);
            }

            @Override
            public McpSchema.ReadResourceResult run() {
                return readSessions(reader, uri, Optional.of(provider));
            }
        };
    }

    /** The session_list call a sessions resource stands for, in its canonical form. */
    private static Map<String, Object> sessionListArguments(Optional<ProviderId> cli) {
        Map<String, Object> args = new LinkedHashMap<>();
        cli.ifPresent(provider -> args.put("cli", provider.wireName()));
        args.put("limit", MAX_SESSIONS);
        args.put("offset", 0);
        return args;
    }

    /** The llm_usage call metrics://usage stands for, in its canonical form: no window. */
    private static Map<String, Object> usageArguments() {
        return StructuredContent.object("since", null, "until", null);
    }

    /** The llm_job_list call jobs://recent stands for, in its canonical form. */
    private static Map<String, Object> jobListArguments() {
        return StructuredContent.object("limit", RECENT_JOBS, "offset", 0);
    }

    private static Principal reader(McpSyncServerExchange exchange) {
        return CallerContext.principal(exchange.transportContext());
    }

    private McpSchema.ReadResourceResult readSessions(Principal reader, String uri, Optional<ProviderId> cli) {
        SessionService.SessionPage page = unlessFailing(() -> sessions.list(reader, cli, MAX_SESSIONS, 0));
        Map<String, Object> active = new LinkedHashMap<>();
        for (ProviderId p : ProviderId.values()) {
            if (cli.isEmpty() || cli.get() == p) {
                active.put(p.wireName(), page.activeSessions().get(p));
            }
        }
        Map<String, Object> content = StructuredContent.object(
                "total",
                page.total(),
                "truncated",
                page.total() > page.sessions().size(),
                "sessions",
                page.sessions().stream().map(SessionTools::sessionSummary).toList(),
                "activeSessions",
                active);
        if (!page.warnings().isEmpty()) {
            content.put("warnings", page.warnings());
        }
        return json(uri, content);
    }

    private McpSchema.ReadResourceResult readJobs(Principal reader, String uri) {
        JobService.JobPage page =
                unlessFailing(() -> jobs.list(reader, Optional.empty(), Optional.empty(), RECENT_JOBS, 0));
        return json(
                uri,
                StructuredContent.object(
                        "total",
                        page.total(),
                        "truncated",
                        page.total() > page.jobs().size(),
                        "jobs",
                        page.jobs().stream().map(JobTools::jobSummary).toList()));
    }

    /** A store that cannot be read is a JSON-RPC error: resources have no isError result. */
    private static <T> T unlessFailing(Supplier<T> read) {
        try {
            return read.get();
        } catch (GatewayException e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(
                    McpSchema.ErrorCodes.INTERNAL_ERROR,
                    e.getMessage(),
                    Map.of("errorCode", e.code().wireName())));
        } catch (RuntimeException e) {
            throw InternalErrors.exception("reading a resource", e);
        }
    }

    private McpSchema.ReadResourceResult json(String uri, Map<String, Object> content) {
        try {
            return new McpSchema.ReadResourceResult(
                    List.of(new McpSchema.TextResourceContents(uri, JSON, mapper.writeValueAsString(content))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("summaries of records always serialise", e);
        }
    }
}
