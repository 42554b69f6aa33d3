package io.llmgateway.tools;

import io.llmgateway.config.RecorderConfig;
import io.llmgateway.core.Principal;
import io.llmgateway.recorder.FlightRecorder;
import io.llmgateway.recorder.RequestRecord;
import io.llmgateway.recorder.UsageSummary;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flight recorder's tools: {@code llm_request_result} (a request by its correlationId, in the original's
 * shape) and {@code llm_usage} (tokens and cost per day, provider and model). Thin adapters over
 * {@link FlightRecorder}, for the calling grant.
 */
public final class RecorderTools {
    static final String USAGE_TOOL = "llm_usage";
    static final int DEFAULT_MAX_CHARS = 200_000;
    static final int MIN_MAX_CHARS = 1_000;
    static final int MAX_DAYS = 366;

    private final FlightRecorder recorder;
    private final Clock clock;

    public RecorderTools(FlightRecorder recorder, Clock clock) {
        this.recorder = recorder;
        this.clock = clock;
    }

    public List<GatewayTool> tools() {
        return List.of(requestResult(), usage());
    }

    private GatewayTool requestResult() {
        ToolDefinition definition = new ToolDefinition(
                "llm_request_result",
                "Recorded request",
                "Look up a request (sync, async or deferred, made by any gateway process on this data directory) by "
                        + "its correlationId in the flight recorder: cli, model, session, time, duration, status, exit "
                        + "code, tokens, cost, prompt and response sizes and the response (redacted). The prompt is "
                        + "kept only when the gateway runs with " + RecorderConfig.RECORD_PROMPTS_VARIABLE + "=1.",
                Schemas.input()
                        .required("correlationId", Schemas.string("The request's correlationId."))
                        .optional(
                                "maxChars",
                                Schemas.integer("At most this many characters of the response (default "
                                        + DEFAULT_MAX_CHARS + ", " + MIN_MAX_CHARS + " to "
                                        + RecorderConfig.MAX_STORED_CHARS + ")."))
                        .optional("includePrompt", Schemas.bool("Include the recorded prompt, if one was kept."))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .optional("request", Schemas.object("The recorded request."))
                        .optional("error", Schemas.string(null))
                        .optional("correlationId", Schemas.string(null))
                        .optional("hint", Schemas.string(null))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(
                definition,
                (args, caller) -> {
                    String id = args.requiredString("correlationId");
                    if (id.isEmpty()) {
                        throw new InvalidParamsException("correlationId must not be empty.");
                    }
                    return StructuredContent.object(
                            "correlationId",
                            id,
                            "maxChars",
                            args.integerInRange(
                                    "maxChars", DEFAULT_MAX_CHARS, MIN_MAX_CHARS, RecorderConfig.MAX_STORED_CHARS),
                            "includePrompt",
                            args.bool("includePrompt", false));
                },
                call -> {
                    Arguments args = call.arguments();
                    String id = args.requiredString("correlationId");
                    Optional<RequestRecord> found = recorder.find(call.principal(), id);
                    if (found.isEmpty()) {
                        return new ToolResult(
                                StructuredContent.object(
                                        "success",
                                        false,
                                        "error",
                                        "No persisted request found for this correlation id",
                                        "correlationId",
                                        id,
                                        "hint",
                                        "Requests are recorded when they start; a request of another grant, or "
                                                + "one older than the recorder's retention, is not found."),
                                null,
                                true);
                    }
                    return ToolResult.success(StructuredContent.object(
                            "success",
                            true,
                            "request",
                            request(
                                    found.get(),
                                    (int) args.integer("maxChars").orElseThrow().longValue(),
                                    args.bool("includePrompt", false))));
                });
    }

    /** The original's request shape; fields this gateway does not have (retries, breaker) are null. */
    static Map<String, Object> request(RequestRecord r, int maxChars, boolean includePrompt) {
        Map<String, Object> request = new LinkedHashMap<>();
        String response = r.response();
        boolean cut = response != null && response.length() > maxChars;
        request.put("correlationId", r.correlationId());
        request.put("cli", r.cli());
        request.put("model", r.model());
        request.put("sessionId", r.sessionId());
        request.put("datetimeUtc", r.startedAt());
        request.put("finishedAtUtc", r.finishedAt());
        request.put("durationMs", r.durationMs());
        request.put("status", r.status());
        request.put("exitCode", r.exitCode());
        request.put("errorCode", r.errorCode());
        request.put("errorMessage", r.errorMessage());
        request.put("retryCount", 0);
        request.put("circuitBreakerState", null);
        request.put("costUsd", r.costUsd());
        request.put("asyncJobId", null);
        request.put("inputTokens", r.inputTokens());
        request.put("outputTokens", r.outputTokens());
        request.put("cacheReadTokens", r.cacheReadTokens());
        request.put("cacheCreationTokens", r.cacheCreationTokens());
        request.put("promptChars", r.promptChars());
        request.put("responseChars", r.responseChars());
        request.put("responseTruncated", cut || Boolean.TRUE.equals(r.responseTruncated()));
        request.put("response", cut ? response.substring(0, maxChars) : response);
        request.put("thinkingBlocks", List.of());
        request.put("ownerPrincipal", Principal.ofStoredOwner(r.owner()).name());
        if (includePrompt) {
            request.put("prompt", r.prompt());
        }
        return request;
    }

    private GatewayTool usage() {
        ToolDefinition definition = new ToolDefinition(
                USAGE_TOOL,
                "Usage and cost",
                "Tokens and cost (USD, as the CLIs report it) of this grant's finished requests, per day (UTC), "
                        + "provider and model, per provider, and in all, from the flight recorder (all gateway "
                        + "processes on this data directory, within its retention). Filter with days (the last N "
                        + "UTC days, today included) or since/until (ISO dates or instants; until is exclusive).",
                Schemas.input()
                        .optional("days", Schemas.integer("The last N days, 1 to " + MAX_DAYS + "."))
                        .optional("since", Schemas.string("From this date (YYYY-MM-DD, UTC) or instant."))
                        .optional("until", Schemas.string("Before this date (YYYY-MM-DD, UTC) or instant."))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("since", Schemas.nullable(Schemas.string(null)))
                        .required("until", Schemas.nullable(Schemas.string(null)))
                        .required("byDay", Schemas.arrayOf(Schemas.object(null), "Per day, provider and model."))
                        .required("byProvider", Schemas.arrayOf(Schemas.object(null), "Per provider."))
                        .required("totals", Schemas.object(null))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(
                definition,
                (args, caller) -> usageArguments(args),
                call -> ToolResult.success(usage(recorder, call.principal(), call.arguments())));
    }

    /** The canonical llm_usage arguments: the window as instants (null bounds are open). */
    Map<String, Object> usageArguments(Arguments args) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        if (args.isPresent("days")) {
            if (args.isPresent("since") || args.isPresent("until")) {
                throw new InvalidParamsException("Send either days or since/until, not both.");
            }
            long days = args.integerInRange("days", 1, 1, MAX_DAYS);
            LocalDate today = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
            canonical.put(
                    "since",
                    today.minusDays(days - 1)
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant()
                            .toString());
            canonical.put("until", null);
            return canonical;
        }
        canonical.put(
                "since",
                args.string("since").map(v -> bound("since", v).toString()).orElse(null));
        canonical.put(
                "until",
                args.string("until").map(v -> bound("until", v).toString()).orElse(null));
        return canonical;
    }

    /** llm_usage (and metrics://usage) for {@code reader} over the canonical window. */
    static Map<String, Object> usage(FlightRecorder recorder, Principal reader, Arguments canonical) {
        UsageSummary summary = recorder.usage(
                reader,
                canonical.string("since").map(Instant::parse).orElse(null),
                canonical.string("until").map(Instant::parse).orElse(null));
        return StructuredContent.object(
                "success",
                true,
                "since",
                summary.since(),
                "until",
                summary.until(),
                "byDay",
                summary.byDay().stream().map(RecorderTools::row).toList(),
                "byProvider",
                summary.byProvider().stream().map(RecorderTools::row).toList(),
                "totals",
                totals(summary.totals()));
    }

    private static Map<String, Object> row(UsageSummary.Row row) {
        Map<String, Object> content = new LinkedHashMap<>();
        if (row.day() != null) {
            content.put("day", row.day());
        }
        content.put("cli", row.cli());
        if (row.day() != null) {
            content.put("model", row.model());
        }
        content.putAll(totals(row.totals()));
        return content;
    }

    private static Map<String, Object> totals(UsageSummary.Totals t) {
        return StructuredContent.object(
                "requests",
                t.requests(),
                "failed",
                t.failed(),
                "inputTokens",
                t.inputTokens(),
                "outputTokens",
                t.outputTokens(),
                "cacheReadTokens",
                t.cacheReadTokens(),
                "cacheCreationTokens",
                t.cacheCreationTokens(),
                "costUsd",
                t.costUsd(),
                "requestsWithCost",
                t.requestsWithCost());
    }

    private static Instant bound(String name, String value) {
        try {
            return value.length() == 10
                    ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidParamsException(
                    name + " must be a date (YYYY-MM-DD) or an instant (2026-01-31T12:00:00Z), got '" + value + "'.");
        }
    }
}
