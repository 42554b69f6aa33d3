package io.llmgateway.tools;

import io.llmgateway.core.ProviderId;
import io.llmgateway.job.JobService;
import io.llmgateway.provider.ProviderRequestService;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.cli.ProviderCli;
import io.llmgateway.provider.cli.ProviderRegistry;
import java.util.List;
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
            JobService.SyncOutcome outcome = jobs.request(
                    cli,
                    ProviderRequestMapping.canonicalRequest(provider, call.arguments(), call.principal()),
                    JobTools.progressOf(call),
                    call.cancel());
            if (outcome instanceof JobService.Completed completed) {
                return ToolResult.success(
                        ProviderRequestMapping.result(completed.result()),
                        completed.result().response());
            }
            return ToolResult.success(ProviderRequestMapping.deferred(((JobService.Deferred) outcome).job()));
        });
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
        return provider.summary() + " Returns its reply. Continues conversations: sessionId (a gw-* gateway session or "
                + name + "'s own session id), resumeLatest (" + name + "'s latest conversation), otherwise the "
                + "provider's active gateway session; createNewSession starts afresh. The result names the gateway "
                + "session (gw-*) holding the conversation, plus usage, cost and duration where " + name
                + " reports them. "
                + "A request still running after the sync deadline returns {status:\"deferred\", jobId} and goes on "
                + "as a job (see llm_job_status); use " + provider.id().wireName() + "_request_async for long tasks.";
    }

    private static Map<String, Object> inputSchema(ProviderCli provider) {
        String name = provider.id().displayName();
        Schemas.ObjectSchema schema = Schemas.input()
                .required("prompt", Schemas.string("The task or question; at most 1,000,000 characters."))
                .optional(
                        "model",
                        Schemas.string("Model name as " + name + " knows it, or an alias from list_models; "
                                + "default: the CLI's own."))
                .optional(
                        "sessionId",
                        Schemas.string("A gateway session (gw-..., or an imported bare id) or " + name
                                + "'s own session id to continue."))
                .optional("createNewSession", Schemas.bool("Start a new conversation on a new gateway session."))
                .optional("resumeLatest", Schemas.bool("Continue " + name + "'s most recent conversation."))
                .optional(
                        "workingDir",
                        Schemas.string("Absolute path of an existing directory to run in; default: "
                                + "the session's directory, else the gateway's."))
                .optional("timeoutMs", Schemas.integer("Wall-clock limit in ms (default 1,800,000 = 30 min)."))
                .optional(
                        "idleTimeoutMs",
                        Schemas.integer(
                                "Stop when the CLI prints nothing for this many ms " + "(default 600,000 = 10 min)."))
                .optional(
                        "correlationId",
                        Schemas.string("Echoed in the result and the gateway's log; generated if absent."));
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
                .optional(
                        "sessionId",
                        Schemas.nullable(Schemas.string("Gateway session (gw-...) holding the conversation.")))
                .optional(
                        "nativeSessionId",
                        Schemas.nullable(Schemas.string("The provider's own session id, if reported.")))
                .optional("resumed", Schemas.bool("Whether an earlier conversation was continued."))
                .optional("model", Schemas.nullable(Schemas.string(null)))
                .optional(
                        "usage",
                        Schemas.output()
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
                .optional(
                        "status", Schemas.stringEnum(List.of("deferred"), "Only when the request continues as a job."))
                .optional("jobId", Schemas.string("The job a deferred request continues as."))
                .optional("pollWith", Schemas.string("The tool that reports the job: llm_job_status."))
                .optional("message", Schemas.string(null))
                .build();
    }
}
