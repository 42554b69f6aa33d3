package io.llmgateway.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets whoever carries a call stop it: the transport cancels it (the HTTP client went away), the work
 * registers what stopping means (e.g. kill the CLI's process tree). Thread-safe; an action registered
 * after the cancellation runs at once.
 */
public final class CallCancellation {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean cancelled;

    /** A call nobody can cancel. */
    public static CallCancellation none() {
        return new CallCancellation();
    }

    /** Runs every registered action once; later calls do nothing. */
    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(actions);
            actions.clear();
        }
        toRun.forEach(Runnable::run);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /**
     * Registers {@code action} to run on cancellation (at once if already cancelled).
     *
     * @return closing it withdraws the action, e.g. once the work it would stop has been handed over
     */
    public Registration onCancel(Runnable action) {
        synchronized (this) {
            if (!cancelled) {
                actions.add(action);
                return () -> {
                    synchronized (this) {
                        actions.remove(action);
                    }
                };
            }
        }
        action.run();
        return () -> {
        };
    }

    /** A registered action; {@link #close()} withdraws it. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
