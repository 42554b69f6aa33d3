package io.llmgateway.recorder;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a day file of the flight recorder, and the merged view of a request: its {@code started} line
 * with the fields its {@code finished} line adds. Text is redacted and bounded before it is stored.
 *
 * @param owner          the grant's stored owner (null is {@code local}, as on sessions and jobs)
 * @param status         {@code started}, then {@code completed}, {@code failed} or {@code abandoned}
 * @param promptChars    the prompt's length; {@code prompt} only with LLM_GATEWAY_RECORD_PROMPTS=1
 * @param responseChars  the whole response's length; {@code response} may be cut ({@code responseTruncated})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestRecord(
        String correlationId,
        String owner,
        String cli,
        String model,
        String sessionId,
        String startedAt,
        String finishedAt,
        Long durationMs,
        String status,
        Integer exitCode,
        String errorCode,
        String errorMessage,
        Long inputTokens,
        Long outputTokens,
        Long cacheReadTokens,
        Long cacheCreationTokens,
        Double costUsd,
        Integer promptChars,
        String prompt,
        Integer responseChars,
        Boolean responseTruncated,
        String response) {

    public static final String STARTED = "started";

    /** This request with what a later line of it says; a field the later line leaves out stays. */
    RequestRecord merge(RequestRecord later) {
        return new RequestRecord(
                correlationId,
                owner,
                or(later.cli, cli),
                or(later.model, model),
                or(later.sessionId, sessionId),
                or(later.startedAt, startedAt),
                or(later.finishedAt, finishedAt),
                or(later.durationMs, durationMs),
                or(later.status, status),
                or(later.exitCode, exitCode),
                or(later.errorCode, errorCode),
                or(later.errorMessage, errorMessage),
                or(later.inputTokens, inputTokens),
                or(later.outputTokens, outputTokens),
                or(later.cacheReadTokens, cacheReadTokens),
                or(later.cacheCreationTokens, cacheCreationTokens),
                or(later.costUsd, costUsd),
                or(later.promptChars, promptChars),
                or(later.prompt, prompt),
                or(later.responseChars, responseChars),
                or(later.responseTruncated, responseTruncated),
                or(later.response, response));
    }

    /** Whether the request has ended (completed, failed or abandoned). */
    public boolean finished() {
        return status != null && !STARTED.equals(status);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
