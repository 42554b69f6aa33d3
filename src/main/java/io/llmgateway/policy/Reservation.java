package io.llmgateway.policy;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Quota a permitted call holds on every counter it touched. Keep it when the call ran (even if its
 * result is an error); {@link #release()} it only when the call failed at the protocol level.
 */
public final class Reservation {
    /** A call that touched no counter. */
    public static final Reservation NONE = new Reservation(null, List.of(), null);

    private final PolicyCounters counters;
    private final List<CounterSlot> slots;
    private final Clock clock;
    private final AtomicBoolean released = new AtomicBoolean();

    Reservation(PolicyCounters counters, List<CounterSlot> slots, Clock clock) {
        this.counters = counters;
        this.slots = List.copyOf(slots);
        this.clock = clock;
    }

    /** The counter slots charged to this call. */
    public List<CounterSlot> slots() {
        return slots;
    }

    /** Gives the quota back; a second call does nothing. */
    public void release() {
        if (!slots.isEmpty() && released.compareAndSet(false, true)) {
            counters.release(slots, clock.instant());
        }
    }
}
