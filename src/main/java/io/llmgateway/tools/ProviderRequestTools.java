package io.llmgateway.tools;

import io.llmgateway.core.ProviderId;
import io.llmgateway.job.JobService;
import io.llmgateway.provider.CanonicalRequest;
import io.llmgateway.provider.cli.ProviderCli;
import io.llmgateway.provider.ProviderOption;
import io.llmgateway.provider.ProviderOptions;
import io.llmgateway.provider.cli.ProviderRegistry;
import io.llmgateway.provider.ProviderRequest;
import io.llmgateway.provider.ProviderRequestService;
import io.llmgateway.provider.ProviderResult;
import io.llmgateway.provider.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code <cli>_request} tools, one per registered provider: thin adapters over {@link ProviderRequestService},
 * run through {@link JobService#request} so that a request outliving the sync deadline continues as a job. Their
 * normaliser turns the arguments into the canonical request (its arguments are listed in docs/POLICY.md), which
 * the job layer carries as a map and {@link ProviderJobRuns} turns back into the request, resolving nothing again.
 */
public final class ProviderRequestTools {
    static final String NATIVE_SESSION_ID = "nativeSessionId";

    private final ProviderRegistry registry;
    private final ProviderRequestService requests;
    private final JobService jobs;

    public ProviderRequestTools(ProviderRegistry registry, ProviderRequestService requests, JobService jobs) {
        this.registry = registry;
        this.requests = requests;
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
        return new GatewayTool(definition, normaliser(provider), call -> {
            JobService.SyncOutcome outcome = jobs.request(cli, call.arguments().asMap(), JobTools.progressOf(call),
                    call.cancel());
            if (outcome instanceof JobService.Completed completed) {
                return ToolResult.success(completed.result(), (String) completed.result().get("response"));
            }
            return ToolResult.success(JobTools.deferred(((JobService.Deferred) outcome).job()));
        });
    }

    /** Builds the canonical request of a call, with model names matched by the model they stand for. */
    private ArgumentNormaliser normaliser(ProviderCli provider) {
        ProviderId cli = provider.id();
        return ArgumentNormaliser.of(sent -> arguments(requests.normalise(cli, request(provider, sent))),
                (path, value) -> path.equals("model") ? requests.modelIdentity(cli, value) : value);
    }

    /** The service's request for a call's arguments: the common ones plus the provider's options. */
    private static ProviderRequest request(ProviderCli provider, Arguments args) {
        return new ProviderRequest(args.requiredString("prompt"),
                args.string("model").orElse(null), args.string("sessionId").orElse(null),
                args.bool("createNewSession", false), args.bool("resumeLatest", false),
                args.string("workingDir").orElse(null), args.integer("timeoutMs").orElse(null),
                args.integer("idleTimeoutMs").orElse(null), args.string("correlationId").orElse(null),
                optionValues(provider, args));
    }

    /** A canonical request as tool arguments: what the policy judges, and what the job layer carries. */
    static Map<String, Object> arguments(CanonicalRequest request) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("prompt", request.prompt());
        putIfPresent(args, "model", request.model());
        putIfPresent(args, "sessionId", request.sessionId());
        putIfPresent(args, NATIVE_SESSION_ID, request.nativeSessionId());
        args.put("createNewSession", request.createNewSession());
        args.put("resumeLatest", request.resumeLatest());
        args.put("workingDir", request.workingDir().toString());
        args.put("timeoutMs", request.timeout().toMillis());
        args.put("idleTimeoutMs", request.idleTimeout().toMillis());
        putIfPresent(args, "correlationId", request.correlationId());
        args.putAll(request.options().asMap());
        return args;
    }

    /** The canonical request {@link #arguments} made into arguments, taken as it is. */
    static CanonicalRequest canonicalRequest(ProviderCli provider, Arguments canonical) {
        return new CanonicalRequest(canonical.requiredString("prompt"), canonical.string("model").orElse(null),
                canonical.string("sessionId").orElse(null), canonical.string(NATIVE_SESSION_ID).orElse(null),
                canonical.bool("createNewSession", false), canonical.bool("resumeLatest", false),
                Path.of(canonical.requiredString("workingDir")),
                Duration.ofMillis(canonical.integer("timeoutMs").orElseThrow()),
                Duration.ofMillis(canonical.integer("idleTimeoutMs").orElseThrow()),
                canonical.string("correlationId").orElse(null),
                ProviderOptions.of(provider.options(), optionValues(provider, canonical)));
    }

    private static Map<String, Object> optionValues(ProviderCli provider, Arguments args) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (ProviderOption option : provider.options()) {
            if (args.isSent(option.name())) {
                options.put(option.name(), args.asMap().get(option.name()));
            }
        }
        return options;
    }

    private static void putIfPresent(Map<String, Object> args, String name, Object value) {
        if (value != null) {
            args.put(name, value);
        }
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
            case STRING_ARRAY, DIRECTORY_ARRAY -> Schemas.stringArray(option.description());
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
