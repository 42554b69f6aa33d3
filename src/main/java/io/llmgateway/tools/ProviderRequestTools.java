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
        return provider.summary() + " Returns the reply and the gw-* session holding it; continues sessionId (gw-* "
                + "or " + name + "'s own), resumeLatest, or the active session. Past the sync deadline: {status:\"deferred\", jobId}.";
    }

    private static Map<String, Object> inputSchema(ProviderCli provider) {
        String name = provider.id().displayName();
        Schemas.ObjectSchema schema = Schemas.input()
                .required("prompt", Schemas.string("At most 1,000,000 characters."))
                .optional("model", Schemas.string("Model or list_models alias; default: the CLI's."))
                .optional("sessionId", Schemas.string("gw-* or " + name + " session id to continue."))
                .optional("createNewSession", Schemas.bool(null))
                .optional("resumeLatest", Schemas.bool("Continue " + name + "'s latest conversation."))
                .optional("workingDir", Schemas.string("Absolute directory; default: the session's, else the gateway's."))
                .optional("timeoutMs", Schemas.integer("Default 1,800,000."))
                .optional("idleTimeoutMs", Schemas.integer("Stop after this long without output; default 600,000."))
                .optional("correlationId", Schemas.string("Echoed in the result and log."));
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
        Map<String, Object> text = Schemas.nullable(Schemas.string(null));
        return Schemas.output()
                .required("success", Schemas.bool(null))
                .optional("cli", Schemas.string(null))
                .optional("response", Schemas.string(null))
                .optional("sessionId", text)
                .optional("nativeSessionId", text)
                .optional("resumed", Schemas.bool(null))
                .optional("model", text)
                .optional("usage", usageSchema(count))
                .optional("costUsd", Schemas.nullable(Schemas.number(null)))
                .optional("durationMs", Schemas.integer(null))
                .optional("exitCode", count)
                .optional("correlationId", Schemas.string(null))
                .optional("truncated", Schemas.bool(null))
                .optional("warnings", Schemas.stringArray(null))
                .optional("status", Schemas.stringEnum(List.of("deferred"), null))
                .optional("jobId", Schemas.string(null))
                .optional("pollWith", Schemas.string(null))
                .optional("message", Schemas.string(null))
                .build();
    }

    /** Four token counts, each a number or null: one value schema, every name required. */
    private static Map<String, Object> usageSchema(Map<String, Object> count) {
        Map<String, Object> usage = Schemas.object(null);
        usage.put("additionalProperties", count);
        usage.put("required", List.of("inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens"));
        return usage;
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
