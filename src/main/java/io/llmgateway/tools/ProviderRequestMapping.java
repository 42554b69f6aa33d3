package io.llmgateway.tools;

import io.llmgateway.core.Principal;
import io.llmgateway.job.JobRecord;
import io.llmgateway.provider.ProviderRequest;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.Usage;
import io.llmgateway.provider.cli.ProviderCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where the request tools' arguments become the provider layer's records and its results
 * become tool results: a call's arguments → {@link ProviderRequest}; the {@link CanonicalRequest} the
 * provider layer made of it → the canonical arguments the policy judges, and back, losing nothing; a
 * {@link ProviderResult} (of a sync call or a job) → the structured content the request tools return.
 */
final class ProviderRequestMapping {
    static final String NATIVE_SESSION_ID = "nativeSessionId";

    private ProviderRequestMapping() {}

    /** The service's request for a call's arguments: the common ones plus the provider's options. */
    static ProviderRequest request(ProviderCli provider, Arguments args, Principal caller) {
        return new ProviderRequest(
                args.requiredString("prompt"),
                args.string("model").orElse(null),
                args.string("sessionId").orElse(null),
                args.bool("createNewSession", false),
                args.bool("resumeLatest", false),
                args.string("workingDir").orElse(null),
                args.integer("timeoutMs").orElse(null),
                args.integer("idleTimeoutMs").orElse(null),
                args.string("correlationId").orElse(null),
                optionValues(provider, args),
                caller,
                PlacementArguments.request(provider.id(), args));
    }

    /** A canonical request as tool arguments: what the policy judges. */
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
        PlacementArguments.putCanonical(args, request.placement());
        return args;
    }

    /** The canonical request {@link #arguments} made into arguments, taken as it is: what the handler runs. */
    static CanonicalRequest canonicalRequest(ProviderCli provider, Arguments canonical, Principal caller) {
        return new CanonicalRequest(
                canonical.requiredString("prompt"),
                canonical.string("model").orElse(null),
                canonical.string("sessionId").orElse(null),
                canonical.string(NATIVE_SESSION_ID).orElse(null),
                canonical.bool("createNewSession", false),
                canonical.bool("resumeLatest", false),
                Path.of(canonical.requiredString("workingDir")),
                Duration.ofMillis(canonical.integer("timeoutMs").orElseThrow()),
                Duration.ofMillis(canonical.integer("idleTimeoutMs").orElseThrow()),
                canonical.string("correlationId").orElse(null),
                ProviderOptions.of(provider.options(), optionValues(provider, canonical)),
                caller,
                PlacementArguments.canonical(provider.id(), canonical));
    }

    /** A provider's result as the request tools return it (and llm_job_result shows it). */
    static Map<String, Object> result(ProviderResult r) {
        Usage u = r.usage();
        return StructuredContent.object(
                "success",
                true,
                "cli",
                r.cli().wireName(),
                "response",
                r.response(),
                "sessionId",
                r.sessionId(),
                "nativeSessionId",
                r.nativeSessionId(),
                "resumed",
                r.resumed(),
                "model",
                r.model(),
                "usage",
                StructuredContent.object(
                        "inputTokens",
                        u.inputTokens(),
                        "outputTokens",
                        u.outputTokens(),
                        "cacheReadTokens",
                        u.cacheReadTokens(),
                        "cacheCreationTokens",
                        u.cacheCreationTokens()),
                "costUsd",
                r.costUsd(),
                "durationMs",
                r.durationMs(),
                "exitCode",
                r.exitCode(),
                "retryCount",
                0,
                "correlationId",
                r.correlationId(),
                "truncated",
                r.truncated(),
                "warnings",
                r.warnings());
    }

    /** A request tool's result when the request outlived the sync deadline and continues as a job. */
    static Map<String, Object> deferred(JobRecord job) {
        return StructuredContent.object(
                "success",
                true,
                "status",
                "deferred",
                "jobId",
                job.id(),
                "cli",
                job.cli().wireName(),
                "sessionId",
                job.sessionId(),
                "correlationId",
                job.correlationId(),
                "pollWith",
                "llm_job_status",
                "message",
                "The request is still running and continues as job " + job.id()
                        + "; poll llm_job_status, then read the reply with llm_job_result.");
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
}
