package io.llmgateway.tools;

import io.llmgateway.core.ProviderId;
import io.llmgateway.job.JobService;
import io.llmgateway.provider.ProviderRequestService;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.cli.ProviderCli;
import io.llmgateway.provider.cli.ProviderRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code <cli>_request} tools, one per registered provider: thin adapters over {@link ProviderRequestService},
 * run through {@link JobService#request} so that a request outliving the sync deadline continues as a job. Their
 * normaliser turns the arguments into the canonical request (its arguments are listed in docs/POLICY.md), and the
 * handler hands the canonical request the policy judged to the job layer, resolving nothing again (both through
 * {@link ProviderRequestMapping}).
 */
public final class ProviderRequestTools {
    private final ProviderRegistry registry;
    private final ProviderRequestService requests;
    private final JobService jobs;

    public ProviderRequestTools(ProviderRegistry registry, ProviderRequestService requests, JobService jobs) {
        this.registry = registry;
        this.requests = requests;
        this.jobs = jobs;
    }

    /** A provider's request tool. */
    public record RequestTool(ProviderCli provider, GatewayTool tool) {}

    public List<RequestTool> tools() {
        return registry.all().stream()
                .map(provider -> new RequestTool(provider, tool(provider)))
                .toList();
    }

    static String toolName(ProviderId cli) {
        return cli.wireName() + "_request";
    }

    private GatewayTool tool(ProviderCli provider) {
        ProviderId cli = provider.id();
        ToolDefinition definition = new ToolDefinition(
                toolName(cli),
                "Run a prompt through " + cli.displayName(),
                description(provider),
                inputSchema(provider),
                outputSchema(),
                ToolDefinition.hints(false, true, false, true));
        return new GatewayTool(definition, normaliser(provider), call -> {
            CanonicalRequest request =
                    ProviderRequestMapping.canonicalRequest(provider, call.arguments(), call.principal());
            JobService.SyncOutcome outcome = jobs.request(cli, request, JobTools.progressOf(call), call.cancel());
            Map<String, Object> result = outcome instanceof JobService.Completed completed
                    ? ProviderRequestMapping.result(completed.result())
                    : ProviderRequestMapping.deferred(((JobService.Deferred) outcome).job());
            if (request.placement() != null && request.placement().worktree() != null) {
                result.put(PlacementArguments.WORKTREE, PlacementArguments.resultField(request.placement()));
            }
            String text = outcome instanceof JobService.Completed completed
                    ? PlacementArguments.replyPrefix(request.placement())
                            + completed.result().response()
                    : String.valueOf(result.get("message"));
            return ToolResult.success(result, text + "\n\n" + sessionLine(result));
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

    /** Builds the canonical request of a call, with model names matched by the model they stand for. */
    private ArgumentNormaliser normaliser(ProviderCli provider) {
        ProviderId cli = provider.id();
        return ArgumentNormaliser.of(
                (sent, caller) -> ProviderRequestMapping.arguments(
                        requests.normalise(cli, ProviderRequestMapping.request(provider, sent, caller))),
                (path, value) -> path.equals("model") ? requests.modelIdentity(cli, value) : value);
    }

    private static String description(ProviderCli provider) {
        String name = provider.id().displayName();
        return provider.summary() + " Returns the reply and the gw-* session holding it; continues sessionId (gw-* "
                + "or " + name
                + "'s own), resumeLatest, or the active session. Past the sync deadline: {status:\"deferred\", jobId}.";
    }

    private static Map<String, Object> inputSchema(ProviderCli provider) {
        String name = provider.id().displayName();
        Schemas.ObjectSchema schema = Schemas.input()
                .required("prompt", Schemas.string("At most 1,000,000 characters."))
                .optional("model", Schemas.string("Model or list_models alias; default: the CLI's."))
                .optional("sessionId", Schemas.string("gw-* or " + name + " session id to continue."))
                .optional("createNewSession", Schemas.bool(null))
                .optional("resumeLatest", Schemas.bool("Continue " + name + "'s latest conversation."))
                .optional(
                        "workingDir", Schemas.string("Absolute directory; default: the session's, else the gateway's."))
                .optional("timeoutMs", Schemas.integer("Default 1,800,000."))
                .optional("idleTimeoutMs", Schemas.integer("Stop after this long without output; default 600,000."))
                .optional("correlationId", Schemas.string("Echoed in the result and log."));
        PlacementArguments.addTo(provider.id(), schema);
        for (ProviderOption option : provider.options()) {
            schema.optional(option.name(), optionSchema(option));
        }
        return schema.build();
    }

    private static Map<String, Object> optionSchema(ProviderOption option) {
        return switch (option.type()) {
            case STRING ->
                option.allowedValues().isEmpty()
                        ? Schemas.string(option.description())
                        : Schemas.stringEnum(option.allowedValues(), option.description());
            case BOOLEAN -> Schemas.bool(option.description());
            case INTEGER -> Schemas.integer(option.description());
            case NUMBER -> Schemas.number(option.description());
            case STRING_ARRAY, DIRECTORY_ARRAY, FILE_ARRAY -> Schemas.stringArray(option.description());
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
                .optional("retryCount", Schemas.integer("Always 0: the gateway never re-runs a CLI."))
                .optional("correlationId", Schemas.string(null))
                .optional("truncated", Schemas.bool(null))
                .optional("warnings", Schemas.stringArray(null))
                .optional("status", Schemas.stringEnum(List.of("deferred"), null))
                .optional("jobId", Schemas.string(null))
                .optional("pollWith", Schemas.string(null))
                .optional("message", Schemas.string(null))
                .optional(PlacementArguments.WORKTREE, worktreeSchema())
                .build();
    }

    /** Where a worktree request ran. */
    static Map<String, Object> worktreeSchema() {
        return Schemas.output()
                .required(
                        "path",
                        Schemas.string("The worktree (also the reply's first line: [gateway] worktree=<path>)."))
                .required("branch", Schemas.nullable(Schemas.string(null)))
                .required("created", Schemas.bool("Made for this request, rather than the session's existing one."))
                .build();
    }

    /** Four token counts, each a number or null: one value schema, every name required. */
    private static Map<String, Object> usageSchema(Map<String, Object> count) {
        Map<String, Object> usage = Schemas.object(null);
        usage.put("additionalProperties", count);
        usage.put("required", List.of("inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens"));
        return usage;
    }
}
