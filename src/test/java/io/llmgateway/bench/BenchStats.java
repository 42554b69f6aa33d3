package io.llmgateway.bench;

import java.util.Arrays;
import java.util.List;

/** Median and p99 of a sample, in milliseconds. */
record BenchStats(int n, double medianMs, double p99Ms) {
    static BenchStats ofNanos(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new BenchStats(sorted.length, percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6);
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    @Override
    public String toString() {
        return String.format("median %.3f ms, p99 %.3f ms (n=%d)", medianMs, p99Ms, n);
    }

    static String row(String what, BenchStats s) {
        return String.format("| %s | %.3f | %.3f | %d |", what, s.medianMs, s.p99Ms, s.n);
    }

    static long[] copy(long[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
