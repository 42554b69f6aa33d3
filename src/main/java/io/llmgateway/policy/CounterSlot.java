package io.llmgateway.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * One counter in one fixed window: the unit the shared counter file stores.
 *
 * @param windowStart epoch second at which the window opens
 */
public record CounterSlot(String counter, long windowSeconds, long windowStart) {

    public CounterSlot {
        Objects.requireNonNull(counter, "counter");
    }

    /** Key in the counter file: {@code <counter>/<windowSeconds>/<windowStart>}. */
    public String key() {
        return counter + "/" + windowSeconds + "/" + windowStart;
    }

    /** The window's end (exclusive) as an epoch second, parsed from a {@link #key()}; -1 if malformed. */
    static long windowEndOfKey(String key) {
        int startSep = key.lastIndexOf('/');
        int lengthSep = startSep > 0 ? key.lastIndexOf('/', startSep - 1) : -1;
        if (lengthSep < 0) {
            return -1;
        }
        try {
            return Long.parseLong(key, startSep + 1, key.length(), 10)
                    + Long.parseLong(key, lengthSep + 1, startSep, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whole seconds from {@code now} until this window closes, at least 1. */
    public long secondsUntilEnd(Instant now) {
        long remainingMillis = (windowStart + windowSeconds) * 1000 - now.toEpochMilli();
        return Math.max(1, (remainingMillis + 999) / 1000);
    }
}
