package io.llmgateway.tools;

import io.llmgateway.core.ProviderId;
import io.llmgateway.job.JobService;
import io.llmgateway.provider.ProviderCli;
import io.llmgateway.provider.ProviderOption;
import io.llmgateway.provider.ProviderRegistry;
import io.llmgateway.provider.ProviderRequest;
import io.llmgateway.provider.ProviderRequestService;
import io.llmgateway.provider.ProviderResult;
import io.llmgateway.provider.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code <cli>_request} tools, one per registered provider: thin adapters over {@link ProviderRequestService},
 * run through {@link JobService#request} so that a request outliving the sync deadline continues as a job.
 */
public final class ProviderRequestTools {
    private final ProviderRegistry registry;
    private final JobService jobs;

    public ProviderRequestTools(ProviderRegistry registry, JobService jobs) {
        this.registry = registry;
        this.jobs = jobs;
    }

    public List<GatewayTool> tools() {
        return registry.all().stream().map(this::tool).toList();
    }

    static String toolName(ProviderId cli) {
        return cli.wireName() + "_request";
    }

    private GatewayTool tool(ProviderCli provider) {
        ProviderId cli = provider.id();
        ToolDefinition definition = new ToolDefinition(toolName(cli), "Run a prompt through " + cli.displayName(),
                description(provider), inputSchema(provider), outputSchema(), ToolDefinition.hints(false, true, false, true));
        return new GatewayTool(definition, call -> {
            JobService.SyncOutcome outcome = jobs.request(cli, call.arguments().asMap(), JobTools.progressOf(call));
            if (outcome instanceof JobService.Completed completed) {
                Map<String, Object> result = completed.result();
                return ToolResult.success(result, result.get("response") + "\n\n" + sessionLine(result));
            }
            Map<String, Object> deferred = JobTools.deferred(((JobService.Deferred) outcome).job());
            return ToolResult.success(deferred, deferred.get("message") + "\n\n" + sessionLine(deferred));
        });
    }

    /**
     * The last line of a request's text, e.g. {@code [gateway] session gw-… · claude · 1.9 s · $0.0002}: hosts
     * that show their model only the text (Gemini CLI) learn the session to continue, and the job of a deferred
     * request. structuredContent carries the same facts as fields.
     */
    static String sessionLine(Map<String, Object> result) {
        List<String> parts = new ArrayList<>();
        if (result.get("sessionId") != null) {
            parts.add("session " + result.get("sessionId"));
        }
        parts.add(String.valueOf(result.get("cli")));
        if (result.get("jobId") != null) {
            parts.add("job " + result.get("jobId") + " (deferred)");
        } else {
            if (result.get("durationMs") instanceof Number millis) {
                parts.add(String.format(Locale.ROOT, "%.1f s", millis.longValue() / 1000.0));
            }
            if (result.get("costUsd") instanceof Number cost) {
                double usd = cost.doubleValue();
                parts.add(usd > 0 && usd < 0.00005 ? "<$0.0001" : String.format(Locale.ROOT, "$%.4f", usd));
            }
        }
        return "[gateway] " + String.join(" · ", parts);
    }

    /** The service's request for a call's arguments: the common ones plus the provider's options. */
    static ProviderRequest request(ProviderCli provider, Arguments args) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (ProviderOption option : provider.options()) {
            if (args.isSent(option.name())) {
                options.put(option.name(), args.asMap().get(option.name()));
            }
        }
        return new ProviderRequest(args.requiredString("prompt"),
                args.string("model").orElse(null), args.string("sessionId").orElse(null),
                args.bool("createNewSession", false), args.bool("resumeLatest", false),
                args.string("workingDir").orElse(null), args.integer("timeoutMs").orElse(null),
                args.integer("idleTimeoutMs").orElse(null), args.string("correlationId").orElse(null), options);
    }

    private static String description(ProviderCli provider) {
        String name = provider.id().displayName();
        return provider.summary() + " Returns its reply. Continues conversations: sessionId (a gw-* gateway session or "
                + name + "'s own session id), resumeLatest (" + name + "'s latest conversation), otherwise the "
                + "provider's active gateway session; createNewSession starts afresh. The result names the gateway "
                + "session (gw-*) holding the conversation, plus usage, cost and duration where " + name + " reports them. "
                + "A request still running after the sync deadline returns {status:\"deferred\", jobId} and goes on "
                + "as a job (see llm_job_status); use " + provider.id().wireName() + "_request_async for long tasks.";
    }

    private static Map<String, Object> inputSchema(ProviderCli provider) {
        String name = provider.id().displayName();
        Schemas.ObjectSchema schema = Schemas.input()
                .required("prompt", Schemas.string("The task or question; at most 1,000,000 characters."))
                .optional("model", Schemas.string("Model name as " + name + " knows it, or an alias from list_models; "
                        + "default: the CLI's own."))
                .optional("sessionId", Schemas.string("A gateway session (gw-...) or " + name
                        + "'s own session id to continue."))
                .optional("createNewSession", Schemas.bool("Start a new conversation on a new gateway session."))
                .optional("resumeLatest", Schemas.bool("Continue " + name + "'s most recent conversation."))
                .optional("workingDir", Schemas.string("Absolute path of an existing directory to run in; default: "
                        + "the session's directory, else the gateway's."))
                .optional("timeoutMs", Schemas.integer("Wall-clock limit in ms (default 1,800,000 = 30 min)."))
                .optional("idleTimeoutMs", Schemas.integer("Stop when the CLI prints nothing for this many ms "
                        + "(default 600,000 = 10 min)."))
                .optional("correlationId", Schemas.string("Echoed in the result and the gateway's log; generated if absent."));
        for (ProviderOption option : provider.options()) {
            schema.optional(option.name(), optionSchema(option));
        }
        return schema.build();
    }

    private static Map<String, Object> optionSchema(ProviderOption option) {
        return switch (option.type()) {
            case STRING -> option.allowedValues().isEmpty() ? Schemas.string(option.description())
                    : Schemas.stringEnum(option.allowedValues(), option.description());
            case BOOLEAN -> Schemas.bool(option.description());
            case INTEGER -> Schemas.integer(option.description());
            case NUMBER -> Schemas.number(option.description());
            case STRING_ARRAY -> Schemas.stringArray(option.description());
            case STRING_MAP -> Schemas.stringMap(option.description());
            case OBJECT -> Schemas.object(option.description());
        };
    }

    /**
     * The contract's result; every field but success is optional in the schema because a deferred request
     * returns {success, status:"deferred", jobId, cli, sessionId, correlationId, pollWith, message} instead.
     */
    private static Map<String, Object> outputSchema() {
        Map<String, Object> count = Schemas.nullable(Schemas.integer(null));
        return Schemas.output()
                .required("success", Schemas.bool(null))
                .optional("cli", Schemas.string(null))
                .optional("response", Schemas.string("The reply text (also the text content)."))
                .optional("sessionId", Schemas.nullable(Schemas.string("Gateway session (gw-...) holding the conversation.")))
                .optional("nativeSessionId", Schemas.nullable(Schemas.string("The provider's own session id, if reported.")))
                .optional("resumed", Schemas.bool("Whether an earlier conversation was continued."))
                .optional("model", Schemas.nullable(Schemas.string(null)))
                .optional("usage", Schemas.output()
                        .required("inputTokens", count)
                        .required("outputTokens", count)
                        .required("cacheReadTokens", count)
                        .required("cacheCreationTokens", count)
                        .build())
                .optional("costUsd", Schemas.nullable(Schemas.number(null)))
                .optional("durationMs", Schemas.integer(null))
                .optional("exitCode", Schemas.nullable(Schemas.integer(null)))
                .optional("correlationId", Schemas.string(null))
                .optional("truncated", Schemas.bool("Whether the CLI's output was cut at the gateway's cap."))
                .optional("warnings", Schemas.stringArray(null))
                .optional("status", Schemas.stringEnum(List.of("deferred"), "Only when the request continues as a job."))
                .optional("jobId", Schemas.string("The job a deferred request continues as."))
                .optional("pollWith", Schemas.string("The tool that reports the job: llm_job_status."))
                .optional("message", Schemas.string(null))
                .build();
    }

    static Map<String, Object> structured(ProviderResult r) {
        Usage u = r.usage();
        return Structured.of("success", true, "cli", r.cli().wireName(), "response", r.response(),
                "sessionId", r.sessionId(), "nativeSessionId", r.nativeSessionId(), "resumed", r.resumed(),
                "model", r.model(),
                "usage", Structured.of("inputTokens", u.inputTokens(), "outputTokens", u.outputTokens(),
                        "cacheReadTokens", u.cacheReadTokens(), "cacheCreationTokens", u.cacheCreationTokens()),
                "costUsd", r.costUsd(), "durationMs", r.durationMs(), "exitCode", r.exitCode(),
                "correlationId", r.correlationId(), "truncated", r.truncated(), "warnings", r.warnings());
    }
}
