package io.llmgateway.recorder;

import java.util.List;

/**
 * Tokens and cost of the finished requests of one grant, per day (UTC, of the request's start), provider and
 * model, per provider, and in all. A count the CLI did not report adds nothing; {@code requestsWithCost} says
 * how many requests the cost covers.
 */
public record UsageSummary(String since, String until, List<Row> byDay, List<Row> byProvider, Totals totals) {

    public UsageSummary {
        byDay = List.copyOf(byDay);
        byProvider = List.copyOf(byProvider);
    }

    /** One group: day and model are null in the per-provider rows. */
    public record Row(String day, String cli, String model, Totals totals) {}

    public record Totals(
            long requests,
            long failed,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long cacheCreationTokens,
            double costUsd,
            long requestsWithCost) {

        static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0, 0, 0);

        Totals plus(RequestRecord r) {
            return new Totals(
                    requests + 1,
                    failed + ("failed".equals(r.status()) ? 1 : 0),
                    inputTokens + orZero(r.inputTokens()),
                    outputTokens + orZero(r.outputTokens()),
                    cacheReadTokens + orZero(r.cacheReadTokens()),
                    cacheCreationTokens + orZero(r.cacheCreationTokens()),
                    costUsd + (r.costUsd() == null ? 0 : r.costUsd()),
                    requestsWithCost + (r.costUsd() == null ? 0 : 1));
        }

        private static long orZero(Long value) {
            return value == null ? 0 : value;
        }
    }
}
