package io.llmgateway.http;

import io.llmgateway.core.CancelSignal;
import java.util.ArrayList;
import java.util.List;

/**
 * The cancel signal of one HTTP request: fires when the client goes away before its answer was written
 * (a keep-alive write failed). Once the answer is out it never fires, so a request already deferred keeps
 * running as its job.
 */
final class DisconnectSignal implements CancelSignal {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean fired;

    @Override
    public synchronized boolean isCancelled() {
        return fired;
    }

    @Override
    public void onCancel(Runnable action) {
        synchronized (this) {
            if (!fired) {
                actions.add(action);
                return;
            }
        }
        action.run();
    }

    /** The client went away: runs every action once (they only signal, as the interface asks). */
    void fire() {
        List<Runnable> toRun;
        synchronized (this) {
            if (fired) {
                return;
            }
            fired = true;
            toRun = List.copyOf(actions);
            actions.clear();
        }
        toRun.forEach(Runnable::run);
    }
}
