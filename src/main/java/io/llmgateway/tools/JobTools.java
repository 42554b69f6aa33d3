package io.llmgateway.tools;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.job.JobRecord;
import io.llmgateway.job.JobService;
import io.llmgateway.job.JobStatus;
import io.llmgateway.job.ProgressSink;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.Usage;
import io.llmgateway.provider.cli.ProviderCli;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job tools: {@code <cli>_request_async} for every sync request tool, and llm_job_status,
 * llm_job_result, llm_job_cancel, llm_job_list. Thin adapters over {@link JobService}, for the calling grant.
 */
public final class JobTools {
    static final String ASYNC_SUFFIX = "_async";
    private static final String FORCE_REFRESH = "forceRefresh";
    static final int DEFAULT_PAGE_CHARS = 50_000;
    static final int MAX_PAGE_CHARS = 1_000_000;
    static final int DEFAULT_LIST_LIMIT = 50;
    static final int MAX_LIST_LIMIT = 500;

    private final JobService jobs;

    public JobTools(JobService jobs) {
        this.jobs = jobs;
    }

    /**
     * The job tools, with an async twin of every sync request tool in {@code syncRequestTools} (named
     * {@code <cli>_request_async}): same arguments plus {@code forceRefresh}.
     */
    public List<GatewayTool> tools(List<ProviderRequestTools.RequestTool> syncRequestTools) {
        List<GatewayTool> tools = new ArrayList<>();
        for (ProviderRequestTools.RequestTool sync : syncRequestTools) {
            tools.add(async(sync));
        }
        tools.add(status());
        tools.add(result());
        tools.add(cancel());
        tools.add(list());
        return tools;
    }

    /** Adapts a call's MCP progress reporter; none when the client sent no progress token. */
    public static ProgressSink progressOf(ToolCall call) {
        ProgressReporter reporter = call.progress();
        return reporter == ProgressReporter.NONE
                ? ProgressSink.NONE
                : (progress, message) -> reporter.report(progress, null, message);
    }

    private GatewayTool async(ProviderRequestTools.RequestTool requestTool) {
        GatewayTool syncTool = requestTool.tool();
        ToolDefinition sync = syncTool.definition();
        ProviderCli provider = requestTool.provider();
        ProviderId cli = provider.id();
        Map<String, Object> input = new LinkedHashMap<>(sync.inputSchema());
        // The sync tool, in the same list, describes each argument; the twin keeps their types only.
        Map<String, Object> properties = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> syncProperties = (Map<String, Map<String, Object>>) input.get("properties");
        syncProperties.forEach((name, schema) -> properties.put(name, Schemas.withoutDescription(schema)));
        properties.put(FORCE_REFRESH, Schemas.bool("Run again even if an identical request is in the dedup window."));
        input.put("properties", properties);
        ToolDefinition definition = new ToolDefinition(
                sync.name() + ASYNC_SUFFIX,
                sync.title() == null ? null : sync.title() + " (job)",
                "Runs " + cli.displayName() + " as " + sync.name() + " does (same arguments and risk: an agent that "
                        + "edits files and runs commands) as a durable job: returns its jobId at once; survives client "
                        + "timeouts and gateway restarts.",
                input,
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("jobId", Schemas.string(null))
                        .required("status", Schemas.stringEnum(JobStatus.wireNames(), null))
                        .required("cli", Schemas.string(null))
                        .required("sessionId", Schemas.nullable(Schemas.string(null)))
                        .required("correlationId", Schemas.nullable(Schemas.string(null)))
                        .required("deduplicated", Schemas.bool("An earlier identical request's job was returned."))
                        .optional("worktreePath", Schemas.string("The job's worktree (worktree requests)."))
                        .build(),
                ToolDefinition.hints(false, true, false, true));
        return new GatewayTool(definition, asyncNormaliser(syncTool.normaliser()), call -> {
            CanonicalRequest request =
                    ProviderRequestMapping.canonicalRequest(provider, call.arguments(), call.principal());
            JobService.Submission submission =
                    jobs.submit(cli, request, call.arguments().bool(FORCE_REFRESH, false));
            JobRecord job = submission.job();
            Map<String, Object> result = StructuredContent.object(
                    "success",
                    true,
                    "jobId",
                    job.id(),
                    "status",
                    job.status().wireName(),
                    "cli",
                    job.cli().wireName(),
                    "sessionId",
                    job.sessionId(),
                    "correlationId",
                    job.correlationId(),
                    "deduplicated",
                    submission.deduplicated());
            if (request.placement() != null && request.placement().worktree() != null) {
                result.put("worktreePath", request.placement().worktree().path().toString());
            }
            return ToolResult.success(result);
        });
    }

    /** The sync tool's canonical request plus {@code forceRefresh} (default false). */
    private static ArgumentNormaliser asyncNormaliser(ArgumentNormaliser sync) {
        return ArgumentNormaliser.of(
                (sent, caller) -> {
                    Map<String, Object> request = new LinkedHashMap<>(sent.asMap());
                    request.remove(FORCE_REFRESH);
                    Map<String, Object> canonical = new LinkedHashMap<>(sync.canonical(new Arguments(request), caller));
                    canonical.put(FORCE_REFRESH, sent.bool(FORCE_REFRESH, false));
                    return canonical;
                },
                sync.identity());
    }

    private GatewayTool status() {
        ToolDefinition definition = new ToolDefinition(
                "llm_job_status",
                "Job status",
                "Read-only: a job's status, times, exit code, output size and progress.",
                Schemas.input().required("jobId", Schemas.string(null)).build(),
                jobSchema()
                        .required("stdoutBytes", Schemas.integer(null))
                        .required("stderrBytes", Schemas.integer(null))
                        .required("progress", Schemas.nullable(Schemas.string(null)))
                        .required("queuePosition", Schemas.nullable(Schemas.integer("1 = starts next.")))
                        .required("job", originalJobSchema().build())
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, (args, caller) -> checkedJobId(args), call -> {
            JobService.JobView view =
                    jobs.status(call.principal(), call.arguments().requiredString("jobId"));
            Map<String, Object> result = jobSummary(view.job());
            result.put("stdoutBytes", view.stdoutBytes());
            result.put("stderrBytes", view.stderrBytes());
            result.put("progress", view.progress());
            result.put("queuePosition", view.queuePosition());
            result.put("job", originalJob(view.job(), view.stdoutBytes(), view.stderrBytes()));
            return ToolResult.success(withSuccess(result));
        });
    }

    private GatewayTool result() {
        ToolDefinition definition = new ToolDefinition(
                "llm_job_result",
                "Job result",
                "Read-only: a job's result as the sync tool gives it (or its error), the original's result, and a "
                        + "page of stdout or stderr (nextOffset reads on).",
                Schemas.input()
                        .required("jobId", Schemas.string(null))
                        .optional("stream", Schemas.stringEnum(List.of("stdout", "stderr"), "Default stdout."))
                        .optional("offset", Schemas.integer("Byte offset (default 0)."))
                        .optional(
                                "maxChars",
                                Schemas.integer("Page size (default " + DEFAULT_PAGE_CHARS + ", at most "
                                        + MAX_PAGE_CHARS + ")."))
                        .build(),
                jobSchema()
                        .required("result", Schemas.object(null))
                        .optional(
                                "parsed",
                                Schemas.output()
                                        .required("text", Schemas.string(null))
                                        .required("costUsd", Schemas.nullable(Schemas.number(null)))
                                        .required(
                                                "usage",
                                                Schemas.output()
                                                        .required(
                                                                "inputTokens", Schemas.nullable(Schemas.integer(null)))
                                                        .required(
                                                                "outputTokens", Schemas.nullable(Schemas.integer(null)))
                                                        .required(
                                                                "cacheReadInputTokens",
                                                                Schemas.nullable(Schemas.integer(null)))
                                                        .required(
                                                                "cacheCreationInputTokens",
                                                                Schemas.nullable(Schemas.integer(null)))
                                                        .build())
                                        .required("model", Schemas.nullable(Schemas.string(null)))
                                        .build())
                        .required("error", Schemas.nullable(objectSchema("{errorCode, error, ...details}")))
                        .required(
                                "output",
                                Schemas.output()
                                        .required("stream", Schemas.string(null))
                                        .required("offset", Schemas.integer(null))
                                        .required("nextOffset", Schemas.integer(null))
                                        .required("totalBytes", Schemas.integer(null))
                                        .required("complete", Schemas.bool("Finished, and this page reaches the end."))
                                        .required("text", Schemas.string(null))
                                        .build())
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(
                definition,
                (args, caller) -> {
                    Map<String, Object> canonical = checkedJobId(args);
                    canonical.put("stream", args.string("stream").orElse("stdout"));
                    canonical.put("offset", args.integerInRange("offset", 0, 0, Long.MAX_VALUE));
                    canonical.put("maxChars", args.integerInRange("maxChars", DEFAULT_PAGE_CHARS, 1, MAX_PAGE_CHARS));
                    return canonical;
                },
                call -> {
                    Arguments args = call.arguments();
                    JobService.JobResult result = jobs.result(
                            call.principal(),
                            args.requiredString("jobId"),
                            args.requiredString("stream"),
                            args.integer("offset").orElseThrow(),
                            args.integer("maxChars").orElseThrow().intValue());
                    JobRecord job = result.job();
                    Map<String, Object> content = jobSummary(job);
                    content.put("result", originalResult(result));
                    content.put("error", error(job));
                    if (job.cli() == ProviderId.CLAUDE && job.result() != null) {
                        content.put("parsed", parsed(job.result()));
                    }
                    JobService.OutputPage page = result.output();
                    content.put(
                            "output",
                            StructuredContent.object(
                                    "stream",
                                    page.stream(),
                                    "offset",
                                    page.offset(),
                                    "nextOffset",
                                    page.nextOffset(),
                                    "totalBytes",
                                    page.totalBytes(),
                                    "complete",
                                    page.complete(),
                                    "text",
                                    page.text()));
                    return ToolResult.success(withSuccess(content));
                });
    }

    private GatewayTool cancel() {
        ToolDefinition definition = new ToolDefinition(
                "llm_job_cancel",
                "Cancel job",
                "Cancel a job: a queued one never starts; a running one's CLI and all it started are killed, from "
                        + "any gateway. A finished job is left as it is.",
                Schemas.input().required("jobId", Schemas.string(null)).build(),
                jobSchema()
                        .required("previousStatus", Schemas.stringEnum(JobStatus.wireNames(), null))
                        .build(),
                ToolDefinition.hints(false, true, true, false));
        return new GatewayTool(definition, (args, caller) -> checkedJobId(args), call -> {
            JobService.Cancellation cancellation =
                    jobs.cancel(call.principal(), call.arguments().requiredString("jobId"));
            Map<String, Object> result = jobSummary(cancellation.job());
            result.put("previousStatus", cancellation.previousStatus().wireName());
            return ToolResult.success(withSuccess(result));
        });
    }

    private GatewayTool list() {
        ToolDefinition definition = new ToolDefinition(
                "llm_job_list",
                "List jobs",
                "List recent jobs, newest first, optionally filtered by status and provider. Read-only.",
                Schemas.input()
                        .optional("status", Schemas.stringEnum(JobStatus.wireNames(), null))
                        .optional("cli", SessionTools.cliSchema(null))
                        .optional(
                                "limit",
                                Schemas.integer("Default " + DEFAULT_LIST_LIMIT + ", at most " + MAX_LIST_LIMIT + "."))
                        .optional("offset", Schemas.integer(null))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("total", Schemas.integer("Jobs matching the filter."))
                        .required("jobs", Schemas.arrayOf(jobSchema().build(), null))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(
                definition,
                (args, caller) -> {
                    Map<String, Object> canonical = new LinkedHashMap<>(args.asMap());
                    canonical.put("limit", args.integerInRange("limit", DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT));
                    canonical.put("offset", args.integerInRange("offset", 0, 0, SessionTools.MAX_OFFSET));
                    return canonical;
                },
                call -> {
                    Arguments args = call.arguments();
                    Optional<JobStatus> status = args.string("status").flatMap(JobStatus::fromWireName);
                    JobService.JobPage page = jobs.list(
                            call.principal(),
                            status,
                            args.provider("cli"),
                            args.integer("limit").orElseThrow().intValue(),
                            args.integer("offset").orElseThrow().intValue());
                    return ToolResult.success(StructuredContent.object(
                            "success",
                            true,
                            "total",
                            page.total(),
                            "jobs",
                            page.jobs().stream().map(JobTools::jobSummary).toList()));
                });
    }

    private static Map<String, Object> checkedJobId(Arguments args) {
        JobService.checkId(args.requiredString("jobId"));
        return new LinkedHashMap<>(args.asMap());
    }

    private static Schemas.ObjectSchema jobSchema() {
        return Schemas.output()
                .required("jobId", Schemas.string(null))
                .required("cli", Schemas.string(null))
                .required("status", Schemas.stringEnum(JobStatus.wireNames(), null))
                .required("deferred", Schemas.bool(null))
                .required("createdAt", Schemas.string(null))
                .required("startedAt", Schemas.nullable(Schemas.string(null)))
                .required("finishedAt", Schemas.nullable(Schemas.string(null)))
                .required("exitCode", Schemas.nullable(Schemas.integer(null)))
                .required("sessionId", Schemas.nullable(Schemas.string(null)))
                .required("correlationId", Schemas.nullable(Schemas.string(null)))
                .required("cancelRequested", Schemas.bool(null));
    }

    /** The original gateway's JobSnapshot (original-surface.md §2), for clients written against it. */
    private static Schemas.ObjectSchema originalJobSchema() {
        return Schemas.output()
                .required("id", Schemas.string("The jobId."))
                .required("cli", Schemas.string(null))
                .required("status", Schemas.stringEnum(JobStatus.wireNames(), null))
                .required("startedAt", Schemas.nullable(Schemas.string(null)))
                .required("finishedAt", Schemas.nullable(Schemas.string(null)))
                .required("exitCode", Schemas.nullable(Schemas.integer(null)))
                .required("correlationId", Schemas.nullable(Schemas.string(null)))
                .required("outputTruncated", Schemas.bool("Output was cut at the gateway's cap."))
                .required("stdoutBytes", Schemas.integer(null))
                .required("stderrBytes", Schemas.integer(null))
                .required("error", Schemas.nullable(Schemas.string("Why it failed, was canceled or orphaned.")))
                .required("exited", Schemas.bool("The job is over: its CLI is no longer running."));
    }

    private static Map<String, Object> originalJob(JobRecord job, long stdoutBytes, long stderrBytes) {
        return StructuredContent.object(
                "id",
                job.id(),
                "cli",
                job.cli().wireName(),
                "status",
                job.status().wireName(),
                "startedAt",
                iso(job.startedAt()),
                "finishedAt",
                iso(job.finishedAt()),
                "exitCode",
                job.exitCode(),
                "correlationId",
                job.correlationId(),
                "outputTruncated",
                outputTruncated(job),
                "stdoutBytes",
                stdoutBytes,
                "stderrBytes",
                stderrBytes,
                "error",
                job.error() == null ? null : job.error().message(),
                "exited",
                job.status().isTerminal());
    }

    /** The original's {@code result}: snapshot + output heads, with the sync tool's result once completed. */
    private static Map<String, Object> originalResult(JobService.JobResult result) {
        JobRecord job = result.job();
        JobService.StreamHead stdout = result.stdoutHead();
        JobService.StreamHead stderr = result.stderrHead();
        Map<String, Object> content =
                new LinkedHashMap<>(job.result() == null ? Map.of() : ProviderRequestMapping.result(job.result()));
        content.putAll(originalJob(job, totalBytes(stdout), totalBytes(stderr)));
        putHead(content, "stdout", stdout);
        putHead(content, "stderr", stderr);
        return content;
    }

    private static long totalBytes(JobService.StreamHead head) {
        return head.page() == null ? 0 : head.page().totalBytes();
    }

    /** {@code <stream>} and {@code <stream>Truncated}; for a stream that cannot be read, {@code <stream>Unreadable}. */
    private static void putHead(Map<String, Object> content, String stream, JobService.StreamHead head) {
        JobService.OutputPage page = head.page();
        content.put(stream, page == null ? null : page.text());
        content.put(stream + "Truncated", page != null && page.nextOffset() < page.totalBytes());
        if (page == null) {
            content.put(stream + "Unreadable", head.unreadable());
        }
    }

    /** The original's {@code parsed} of a Claude job: its reply, cost, usage and model. */
    private static Map<String, Object> parsed(ProviderResult r) {
        Usage u = r.usage();
        return StructuredContent.object(
                "text",
                r.response(),
                "costUsd",
                r.costUsd(),
                "usage",
                StructuredContent.object(
                        "inputTokens",
                        u.inputTokens(),
                        "outputTokens",
                        u.outputTokens(),
                        "cacheReadInputTokens",
                        u.cacheReadTokens(),
                        "cacheCreationInputTokens",
                        u.cacheCreationTokens()),
                "model",
                r.model());
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static boolean outputTruncated(JobRecord job) {
        if (job.result() != null) {
            return job.result().truncated();
        }
        return job.error() != null
                && ErrorCode.OUTPUT_TOO_LARGE.wireName().equals(job.error().code());
    }

    private static Map<String, Object> objectSchema(String description) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("description", description);
        return schema;
    }

    static Map<String, Object> jobSummary(JobRecord job) {
        return StructuredContent.object(
                "jobId",
                job.id(),
                "cli",
                job.cli().wireName(),
                "status",
                job.status().wireName(),
                "deferred",
                job.deferred(),
                "createdAt",
                job.createdAt().toString(),
                "startedAt",
                iso(job.startedAt()),
                "finishedAt",
                iso(job.finishedAt()),
                "exitCode",
                job.exitCode(),
                "sessionId",
                job.sessionId(),
                "correlationId",
                job.correlationId(),
                "cancelRequested",
                job.cancelRequested());
    }

    private static Map<String, Object> withSuccess(Map<String, Object> content) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("success", true);
        result.putAll(content);
        return result;
    }

    private static Map<String, Object> error(JobRecord job) {
        if (job.error() == null) {
            return null;
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("errorCode", job.error().code());
        Arrays.stream(ErrorCode.values())
                .filter(code -> code.wireName().equals(job.error().code()))
                .findFirst()
                .flatMap(ToolResult::originalCategory)
                .ifPresent(category -> error.put("errorCategory", category));
        error.put("error", job.error().message());
        job.error().details().forEach(error::putIfAbsent);
        return error;
    }
}
