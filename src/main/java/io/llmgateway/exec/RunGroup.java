package io.llmgateway.exec;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs that must not outlive their owner (a gateway's probes): {@link #close()} stops those still going and waits
 * until their trees are gone. Runs that outlive the gateway on purpose (provider runs, supervisors) are in none.
 */
public final class RunGroup implements AutoCloseable {
    private final Set<RunningProcess> running = ConcurrentHashMap.newKeySet();

    void add(RunningProcess run) {
        running.add(run);
        run.whenDone(() -> running.remove(run));
    }

    @Override
    public void close() {
        List<RunningProcess> going = List.copyOf(running);
        going.forEach(RunningProcess::cancel);
        going.forEach(RunningProcess::await);
    }
}
