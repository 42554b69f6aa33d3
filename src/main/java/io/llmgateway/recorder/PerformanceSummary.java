package io.llmgateway.recorder;

import java.util.ArrayList;
import java.util.List;

/**
 * Request counts and latencies of finished requests, per provider and in all (metrics://performance).
 *
 * @param byProvider per cli, in cli order (zeros for one without requests)
 */
public record PerformanceSummary(List<Figures> byProvider, Figures totals) {
    public PerformanceSummary {
        byProvider = List.copyOf(byProvider);
    }

    /**
     * @param cli          null for the totals
     * @param successCount completed requests; failures are failed or abandoned ones
     * @param p50Ms        the latency percentiles (nearest rank) of the requests with a duration, null without any
     */
    public record Figures(
            String cli,
            long requestCount,
            long successCount,
            long failureCount,
            double averageResponseTimeMs,
            Long p50Ms,
            Long p95Ms,
            Long p99Ms,
            Long maxMs) {

        static Figures of(String cli, List<RequestRecord> requests) {
            long successes = requests.stream()
                    .filter(r -> "completed".equals(r.status()))
                    .count();
            List<Long> durations = new ArrayList<>(requests.stream()
                    .map(RequestRecord::durationMs)
                    .filter(d -> d != null)
                    .sorted()
                    .toList());
            double average = durations.isEmpty()
                    ? 0
                    : durations.stream().mapToLong(Long::longValue).average().orElse(0);
            return new Figures(
                    cli,
                    requests.size(),
                    successes,
                    requests.size() - successes,
                    average,
                    percentile(durations, 50),
                    percentile(durations, 95),
                    percentile(durations, 99),
                    durations.isEmpty() ? null : durations.get(durations.size() - 1));
        }

        private static Long percentile(List<Long> sorted, int p) {
            if (sorted.isEmpty()) {
                return null;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }

        public double successRate() {
            return requestCount == 0 ? 0 : (double) successCount / requestCount;
        }

        public double failureRate() {
            return requestCount == 0 ? 0 : (double) failureCount / requestCount;
        }
    }
}
