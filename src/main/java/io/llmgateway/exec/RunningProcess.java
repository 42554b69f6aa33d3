package io.llmgateway.exec;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run under watch, started by {@link ProcessExecutor#start()} or adopted from a process that can no longer
 * watch it ({@link #adopt}). A daemon thread watches it: the wall and idle limits, the output cap, stop requests.
 * When a limit is hit or a stop is asked for, the run's processes are stopped with its {@link StopStrategy};
 * when the run ends by itself, whatever it left running is stopped too. The outcome is there once no process of
 * the run is left and its output is collected.
 */
public final class RunningProcess {
    private static final Logger LOG = LoggerFactory.getLogger(RunningProcess.class);
    /** How often output files and an adopted process (no exit notification) are looked at. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Even with no grace, captured pipes get a moment to deliver what is left in them. */
    private static final Duration MIN_PIPE_WAIT = Duration.ofMillis(100);

    /** Null when adopted: only a parent learns its child's exit status. */
    private final Process process;

    private final ProcessHandle handle;
    private final ProcessRef ref;
    private final RunProcesses processes;
    private final RunLimits limits;
    private final StopStrategy stopStrategy;
    private final long startNanos;
    private final CompletableFuture<Termination> stop = new CompletableFuture<>();
    private final CompletableFuture<ProcessOutcome> outcome = new CompletableFuture<>();
    private RunOutput output;
    private volatile boolean released;

    private RunningProcess(
            Process process,
            ProcessHandle handle,
            ProcessRef ref,
            RunProcesses processes,
            RunLimits limits,
            StopStrategy stopStrategy,
            long startNanos) {
        this.process = process;
        this.handle = handle;
        this.ref = ref;
        this.processes = processes;
        this.limits = limits;
        this.stopStrategy = stopStrategy;
        this.startNanos = startNanos;
    }

    /** Watches a process {@link ProcessExecutor} just started. */
    static RunningProcess started(
            Process process,
            RunProcesses processes,
            Output output,
            RunLimits limits,
            StopStrategy stopStrategy,
            long startNanos) {
        ProcessHandle handle = process.toHandle();
        RunningProcess run =
                new RunningProcess(process, handle, ProcessRef.of(handle), processes, limits, stopStrategy, startNanos);
        run.output = output instanceof Output.ToFiles files
                ? new FileOutput(files, limits.maxOutputBytes(), startNanos)
                : new CapturedOutput(
                        process,
                        limits.maxOutputBytes(),
                        startNanos,
                        () -> run.requestStop(Termination.OUTPUT_TOO_LARGE));
        run.startWatching();
        return run;
    }

    /**
     * Takes over watching a run another process started and can no longer watch (its output goes to files): the
     * wall timeout counts from the recorded start of {@code process}, the idle timeout from the last change of
     * the files. Its processes are stopped as a whole tree.
     *
     * @param handle the live process {@code process} refers to
     */
    public static RunningProcess adopt(
            ProcessHandle handle, ProcessRef process, String runId, Output.ToFiles output, RunLimits limits) {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        long startNanos = nowNanos - TimeUnit.MILLISECONDS.toNanos(Math.max(0, nowMillis - process.startMillis()));
        long lastWrite =
                Math.max(FileOutput.modifiedMillis(output.stdout()), FileOutput.modifiedMillis(output.stderr()));
        long lastOutputNanos = nowNanos
                - TimeUnit.MILLISECONDS.toNanos(Math.max(0, nowMillis - Math.max(lastWrite, process.startMillis())));
        RunningProcess run = new RunningProcess(
                null, handle, process, RunProcesses.of(handle, runId), limits, StopStrategy.WHOLE_TREE, startNanos);
        run.output = new FileOutput(output, limits.maxOutputBytes(), lastOutputNanos);
        run.startWatching();
        return run;
    }

    public long pid() {
        return handle.pid();
    }

    /** The started process by pid and start time: what to record so that any process can stop the run. */
    public ProcessRef ref() {
        return ref;
    }

    /**
     * Identifies the run's processes: each carries the environment variable {@code LLM_GATEWAY_RUN_<runId>=1}.
     * Record it to stop the run from another process ({@link RunProcesses#of}).
     */
    public String runId() {
        return processes.runId();
    }

    /** Asks the watch to stop the run; the first reason wins, and nothing changes once the run is over. */
    public void requestStop(Termination why) {
        stop.complete(why);
    }

    /** Stops the run unless it is already over; the outcome reports CANCELLED. */
    public void cancel() {
        requestStop(Termination.CANCELLED);
    }

    /**
     * Ends the watch without touching the run's processes (this process is going away; another one adopts the
     * run). The outcome then reports CANCELLED, and {@link #released()} says that nothing was stopped.
     */
    public void release() {
        released = true;
        requestStop(Termination.CANCELLED);
    }

    public boolean released() {
        return released;
    }

    public boolean isDone() {
        return outcome.isDone();
    }

    /**
     * Waits until the run is over: its processes are gone and its output collected. An interrupt of the waiting
     * thread cancels the run; the CANCELLED outcome is still returned, with the thread's interrupt status set.
     *
     * @throws GatewayException {@code internal_error} when watching the run failed (logged)
     */
    public ProcessOutcome await() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return outcome.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                    cancel();
                } catch (ExecutionException e) {
                    throw watchFailure(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void whenDone(Runnable action) {
        outcome.whenComplete((done, failure) -> action.run());
    }

    private void startWatching() {
        daemon(handle.pid(), "watch", this::watch).start();
    }

    private void watch() {
        try {
            outcome.complete(watchToTheEnd());
        } catch (IOException | RuntimeException | Error e) {
            LOG.error("Watching run {} (pid {}) failed", runId(), pid(), e);
            stopStrategy.stop(processes, Duration.ZERO);
            outcome.completeExceptionally(e);
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    private ProcessOutcome watchToTheEnd() throws IOException {
        Termination why = awaitExitOrStop();
        if (released) {
            return outcome(null, Termination.CANCELLED, new RunOutput.Collected("", "", false, false));
        }
        Duration grace = limits.killGrace();
        if (why != null) {
            stopStrategy.stop(processes, grace);
        }
        // Normally captured pipes reach their end as soon as the process exits. If they do not, a descendant still
        // holds them (perhaps orphaned); after the grace it is stopped below, with anything else the run left.
        Duration pipeWait = grace.compareTo(MIN_PIPE_WAIT) < 0 ? MIN_PIPE_WAIT : grace;
        boolean ended = output.awaitEnd(pipeWait);
        stopStrategy.stop(processes, grace);
        if (!ended && !output.awaitEnd(pipeWait)) {
            LOG.warn(
                    "Output pipes of run {} (pid {}) are still held open by a process outside the run; "
                            + "reporting the output captured so far",
                    runId(),
                    pid());
        }
        Integer exitCode = null;
        if (why == null) {
            if (process == null) {
                // Adopted, and it exited by itself: its status went to its parent, which is gone.
                return outcome(null, Termination.EXITED, new RunOutput.Collected("", "", false, false));
            }
            exitCode = process.exitValue();
        }
        RunOutput.Collected collected = output.collect();
        if (why == null) {
            why = collected.truncated() ? Termination.OUTPUT_TOO_LARGE : Termination.EXITED;
        }
        ProcessOutcome result = outcome(exitCode, why, collected);
        LOG.debug(
                "Run {} (pid {}) ended: {} exit code {} after {} ms",
                runId(),
                pid(),
                why,
                exitCode,
                result.duration().toMillis());
        return result;
    }

    private ProcessOutcome outcome(Integer exitCode, Termination why, RunOutput.Collected collected) {
        return new ProcessOutcome(
                exitCode,
                why,
                collected.stdout(),
                collected.stderr(),
                collected.stdoutTruncated(),
                collected.stderrTruncated(),
                Duration.ofNanos(System.nanoTime() - startNanos),
                pid(),
                runId());
    }

    /** The one wait of every run: null when the process exited by itself; otherwise why it must be stopped. */
    private Termination awaitExitOrStop() {
        CompletableFuture<?> exited = process != null ? process.onExit() : new CompletableFuture<>();
        CompletableFuture<?> either = CompletableFuture.anyOf(exited, stop);
        boolean polls = process == null || output.needsPolling();
        long wallDeadline = startNanos + limits.wallTimeout().toNanos();
        long idleNanos = limits.idleTimeout().toNanos();
        while (true) {
            if (stop.isDone()) {
                return stop.join();
            }
            if (exited.isDone() || (process == null && ref.handle().isEmpty())) {
                return null;
            }
            long now = System.nanoTime();
            output.look(now);
            if (output.overCap()) {
                return Termination.OUTPUT_TOO_LARGE;
            }
            if (now - wallDeadline >= 0) {
                return Termination.TIMEOUT;
            }
            long idleDeadline = output.lastOutputNanos() + idleNanos;
            if (now - idleDeadline >= 0) {
                return Termination.IDLE_TIMEOUT;
            }
            long wait = Math.min(wallDeadline - now, idleDeadline - now);
            try {
                either.get(polls ? Math.min(wait, POLL_NANOS) : wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // a deadline or a poll: the checks above say which
            } catch (InterruptedException e) {
                requestStop(Termination.CANCELLED);
            }
        }
    }

    static Thread daemon(long pid, String role, Runnable task) {
        Thread thread = new Thread(task, "exec-" + pid + "-" + role);
        thread.setDaemon(true);
        return thread;
    }

    private static RuntimeException watchFailure(Throwable cause) {
        if (cause instanceof GatewayException gatewayException) {
            return gatewayException;
        }
        return new GatewayException(
                ErrorCode.INTERNAL_ERROR, "Supervising the CLI process failed; see the gateway log.");
    }
}
