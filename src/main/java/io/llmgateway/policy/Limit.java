package io.llmgateway.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * A quota: at most {@code max} calls per fixed window of {@code windowSeconds}, counted on
 * {@code counter}. Windows are aligned to the Unix epoch, which puts minute, hour and day windows
 * on UTC boundaries. Limits naming the same counter and window share one count, across tools too.
 *
 * @param rule where the limit is written, as a JSON-pointer-like path reported with denials
 */
public record Limit(String counter, long windowSeconds, long max, String rule) {
    public static final long MINUTE = 60;
    public static final long HOUR = 3_600;
    public static final long DAY = 86_400;

    public Limit {
        Objects.requireNonNull(counter, "counter");
        Objects.requireNonNull(rule, "rule");
        if (windowSeconds < 1 || max < 1) {
            throw new IllegalArgumentException("window and max must be positive");
        }
    }

    /** The counter slot a call at {@code now} is charged to. */
    public CounterSlot slotAt(Instant now) {
        long start = Math.floorDiv(now.getEpochSecond(), windowSeconds) * windowSeconds;
        return new CounterSlot(counter, windowSeconds, start);
    }

    /** "minute", "hour", "day" or e.g. "10 s", as in "limit 30 per minute". */
    public String windowName() {
        if (windowSeconds == MINUTE) {
            return "minute";
        }
        if (windowSeconds == HOUR) {
            return "hour";
        }
        if (windowSeconds == DAY) {
            return "day";
        }
        return windowSeconds + " s";
    }
}
