package io.llmgateway.policy;

import io.llmgateway.core.Principal;
import java.time.Instant;
import java.util.Objects;

/**
 * A quota: at most {@code max} calls per fixed window of {@code windowSeconds}, counted on
 * {@code counter}. Windows are aligned to the Unix epoch, which puts minute, hour and day windows
 * on UTC boundaries. Limits naming the same counter and window share one count, across tools too.
 *
 * @param rule     where the limit is written, as a JSON-pointer-like path reported with denials
 * @param perGrant {@code "scope":"grant"}: every grant has a count of its own; otherwise one count for all
 */
public record Limit(String counter, long windowSeconds, long max, String rule, boolean perGrant) {
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

    /** A limit counted for every caller together. */
    public Limit(String counter, long windowSeconds, long max, String rule) {
        this(counter, windowSeconds, max, rule, false);
    }

    /**
     * The counter slot a call by {@code caller} at {@code now} is charged to. A per-grant limit counts on
     * {@code <counter>@<grant>} (counter names cannot contain {@code @}), so grants never share a count.
     */
    public CounterSlot slotAt(Instant now, Principal caller) {
        long start = Math.floorDiv(now.getEpochSecond(), windowSeconds) * windowSeconds;
        return new CounterSlot(perGrant ? counter + "@" + caller.name() : counter, windowSeconds, start);
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
