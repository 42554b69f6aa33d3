package io.llmgateway.job;

import io.llmgateway.exec.ProcessRef;
import io.llmgateway.exec.Termination;
import io.llmgateway.job.supervisor.ExitReport;
import io.llmgateway.job.supervisor.FileBackedRun;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI runs this process watches: sync requests still inside their call, and deferred requests it ran
 * or adopted. Other gateways know of them only through the job files, so at close the calls are stopped
 * and the deferred runs are handed over for adoption.
 */
final class WatchedRuns {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedRuns.class);

    private final JobStore store;
    private final ProcessRef self;
    private final Map<String, OwnedRun> owned = new ConcurrentHashMap<>();
    private final Map<String, SyncRun> syncRuns = new ConcurrentHashMap<>();

    /** A deferred request this process watches (it ran or adopted it); {@code watched} completes when done. */
    private record OwnedRun(FileBackedRun run, CompletableFuture<Void> watched) {}

    /** A sync request's CLI still inside its call; {@code ended} completes with how it ended. */
    private record SyncRun(FileBackedRun run, CompletableFuture<ExitReport> ended) {}

    WatchedRuns(JobStore store, ProcessRef self) {
        this.store = store;
        this.self = self;
    }

    /** Watches a run on a thread of its own; completes with its end (null: no exit status, or released). */
    static CompletableFuture<ExitReport> watchInBackground(String id, FileBackedRun run) {
        CompletableFuture<ExitReport> ended = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        ended.complete(run.watch().orElse(null));
                    } catch (RuntimeException e) {
                        LOG.error("Watching the CLI of run {} failed", id, e);
                        ended.completeExceptionally(e);
                    }
                },
                "run-watch-" + run.pid());
        thread.setDaemon(true);
        thread.start();
        return ended;
    }

    void callStarted(String id, FileBackedRun run, CompletableFuture<ExitReport> ended) {
        syncRuns.put(id, new SyncRun(run, ended));
    }

    void callEnded(String id) {
        syncRuns.remove(id);
    }

    boolean owns(String id) {
        return owned.containsKey(id);
    }

    /**
     * Makes this process the job's watcher until its run ends, then calls {@code onEnd} with how it ended,
     * unless the watch was released at close.
     */
    void own(
            String id,
            FileBackedRun run,
            CompletableFuture<ExitReport> ended,
            BiConsumer<ExitReport, Throwable> onEnd) {
        CompletableFuture<Void> watched = new CompletableFuture<>();
        owned.put(id, new OwnedRun(run, watched));
        ended.whenComplete((exit, failure) -> {
            try {
                if (!run.released()) {
                    onEnd.accept(exit, failure);
                }
            } finally {
                owned.remove(id);
                watched.complete(null);
            }
        });
    }

    /** Asks the CLI of a run this process watches to stop; false when it watches no run of that job. */
    boolean stopOwned(String id) {
        OwnedRun own = owned.get(id);
        if (own == null) {
            return false;
        }
        own.run().requestStop(Termination.CANCELLED);
        return true;
    }

    /** Stops the sync calls and hands the deferred runs over for adoption (see {@link JobService#close}). */
    void close() {
        List<SyncRun> calls = List.copyOf(syncRuns.values());
        calls.forEach(call -> call.run().requestStop(Termination.CANCELLED));
        calls.forEach(call -> call.ended().exceptionally(failure -> null).join());
        for (Map.Entry<String, OwnedRun> entry : Map.copyOf(owned).entrySet()) {
            String id = entry.getKey();
            entry.getValue().run().release();
            entry.getValue().watched().join();
            try {
                store.update(
                        id,
                        current -> current.status() == JobStatus.RUNNING && self.equals(current.runner())
                                ? current.withRunner(null)
                                : current);
                LOG.info("Deferred job {} keeps running; the next gateway adopts it", id);
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "Could not hand deferred job {} over for adoption ({}); it is adopted once this process is gone",
                        id,
                        e.toString());
            }
        }
    }
}
