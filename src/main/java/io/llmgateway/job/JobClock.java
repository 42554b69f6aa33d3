package io.llmgateway.job;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The time job records are stamped with: the gateway's clock, to the millisecond. */
final class JobClock {
    private final Clock clock;

    JobClock(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
