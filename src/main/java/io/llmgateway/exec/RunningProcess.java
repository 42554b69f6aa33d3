package io.llmgateway.exec;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spawned process under supervision. Daemon threads drain stdout and stderr, write stdin, and
 * supervise: on a timeout, output overflow or {@link #cancel()} the whole process tree is killed; after
 * the process exits, processes still holding its output pipes or left running are killed too. The
 * outcome is available once no process of the run is left and its output has been collected.
 */
public final class RunningProcess {
    private static final Logger LOG = LoggerFactory.getLogger(RunningProcess.class);
    private static final Duration MIN_PIPE_WAIT = Duration.ofMillis(100);

    private final Process process;
    private final ProcessSpec spec;
    private final String runId;
    private final long startNanos;
    private final ProcessTree tree;
    private final OutputDrain stdout;
    private final OutputDrain stderr;
    private final CompletableFuture<ProcessOutcome> outcome = new CompletableFuture<>();
    private final Object lock = new Object();
    private Termination stopRequest;

    private RunningProcess(Process process, ProcessSpec spec, String runId, long startNanos, Set<String> stdioPipes) {
        this.process = process;
        this.spec = spec;
        this.runId = runId;
        this.startNanos = startNanos;
        this.tree = new ProcessTree(process.toHandle(), runId, stdioPipes);
        this.stdout = new OutputDrain(process.getInputStream(), OutputStreamKind.STDOUT, spec.maxOutputBytes(),
                startNanos, () -> requestStop(Termination.OUTPUT_TOO_LARGE));
        this.stderr = new OutputDrain(process.getErrorStream(), OutputStreamKind.STDERR, spec.maxOutputBytes(),
                startNanos, () -> requestStop(Termination.OUTPUT_TOO_LARGE));
    }

    static RunningProcess launch(Process process, ProcessSpec spec, String runId, long startNanos,
            Set<String> stdioPipes) {
        RunningProcess running = new RunningProcess(process, spec, runId, startNanos, stdioPipes);
        running.daemon("stdout", running.stdout).start();
        running.daemon("stderr", running.stderr).start();
        running.feedStdin();
        process.onExit().thenRun(running::wake);
        running.daemon("supervisor", running::supervise).start();
        return running;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Identifies this run's processes: each carries the environment variable
     * {@code LLM_GATEWAY_RUN_<runId>=1}. Persist it to find a run's processes after a restart.
     */
    public String runId() {
        return runId;
    }

    /** Kills the whole process tree unless the process already ended; the outcome reports CANCELLED. */
    public void cancel() {
        requestStop(Termination.CANCELLED);
    }

    public boolean isDone() {
        return outcome.isDone();
    }

    /** Waits until the run is over: the process tree is gone and its output collected. */
    public ProcessOutcome await() throws InterruptedException {
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            throw supervisionFailure(e.getCause());
        }
    }

    /** Like {@link #await()} but gives up after {@code timeout}, leaving the run going; empty then. */
    public Optional<ProcessOutcome> await(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw supervisionFailure(e.getCause());
        }
    }

    /** Completes with the outcome; for callers that react asynchronously (jobs). */
    public CompletionStage<ProcessOutcome> completion() {
        return outcome.minimalCompletionStage();
    }

    ProcessOutcome awaitUninterruptibly() {
        try {
            return outcome.join();
        } catch (CompletionException e) {
            throw supervisionFailure(e.getCause());
        }
    }

    private void requestStop(Termination reason) {
        synchronized (lock) {
            if (stopRequest == null) {
                stopRequest = reason;
            }
            lock.notifyAll();
        }
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void feedStdin() {
        OutputStream in = process.getOutputStream();
        byte[] input = spec.stdin() == null ? null : spec.stdin().getBytes(StandardCharsets.UTF_8);
        if (input == null) {
            writeAndClose(in, new byte[0]);
            return;
        }
        // On its own thread: a child that reads slowly (or not at all) must not block anything else.
        daemon("stdin", () -> writeAndClose(in, input)).start();
    }

    private void writeAndClose(OutputStream in, byte[] input) {
        try (OutputStream out = in) {
            out.write(input);
        } catch (IOException e) {
            LOG.debug("Child {} closed its stdin before reading all input: {}", process.pid(), e.toString());
        }
    }

    private void supervise() {
        try {
            outcome.complete(superviseRun());
        } catch (RuntimeException | Error e) {
            LOG.error("Supervising run {} (pid {}) failed", runId, process.pid(), e);
            tree.terminate(Duration.ZERO);
            outcome.completeExceptionally(e);
            if (e instanceof Error) {
                throw e;
            }
        }
    }

    private ProcessOutcome superviseRun() {
        Duration grace = spec.killGrace();
        Termination stop = awaitExitOrStop();
        if (stop != null) {
            tree.terminate(grace);
        }
        // Normally the pipes reach EOF as soon as the process exits. If they do not, a descendant still
        // holds them (perhaps orphaned); after the grace period it is killed below, with anything else
        // the run left running in the background. Even with no grace, the drains get a moment to read
        // what is left in the pipes.
        Duration pipeWait = grace.compareTo(MIN_PIPE_WAIT) < 0 ? MIN_PIPE_WAIT : grace;
        boolean drained = awaitDrains(pipeWait);
        tree.terminate(grace);
        if (!drained && !awaitDrains(pipeWait)) {
            LOG.warn("Output pipes of run {} (pid {}) are still held open by a process outside the run; "
                    + "reporting the output captured so far", runId, process.pid());
        }
        Integer exitCode = null;
        if (stop == null) {
            exitCode = process.exitValue();
            stop = stdout.truncated() || stderr.truncated() ? Termination.OUTPUT_TOO_LARGE : Termination.EXITED;
        }
        ProcessOutcome result = new ProcessOutcome(exitCode, stop, stdout.text(), stderr.text(),
                stdout.truncated(), stderr.truncated(), Duration.ofNanos(System.nanoTime() - startNanos),
                process.pid(), runId);
        LOG.debug("Run {} (pid {}) ended: {} exit code {} after {} ms", runId, process.pid(), stop, exitCode,
                result.duration().toMillis());
        return result;
    }

    /** Null when the process exited by itself; otherwise why the gateway must stop it. */
    private Termination awaitExitOrStop() {
        long wallDeadline = startNanos + spec.wallTimeout().toNanos();
        long idleNanos = spec.idleTimeout().toNanos();
        synchronized (lock) {
            while (true) {
                if (stopRequest != null) {
                    return stopRequest;
                }
                if (!process.isAlive()) {
                    return null;
                }
                long now = System.nanoTime();
                if (now - wallDeadline >= 0) {
                    return Termination.TIMEOUT;
                }
                long idleDeadline = latest(stdout.lastOutputNanos(), stderr.lastOutputNanos()) + idleNanos;
                if (now - idleDeadline >= 0) {
                    return Termination.IDLE_TIMEOUT;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, Math.min(wallDeadline - now, idleDeadline - now));
                } catch (InterruptedException e) {
                    return Termination.CANCELLED;
                }
            }
        }
    }

    private boolean awaitDrains(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            return stdout.awaitFinished(timeout)
                    && stderr.awaitFinished(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Thread daemon(String role, Runnable task) {
        Thread thread = new Thread(task, "exec-" + process.pid() + "-" + role);
        thread.setDaemon(true);
        return thread;
    }

    private static long latest(long nanosA, long nanosB) {
        return nanosA - nanosB > 0 ? nanosA : nanosB;
    }

    private static RuntimeException supervisionFailure(Throwable cause) {
        if (cause instanceof GatewayException gatewayException) {
            return gatewayException;
        }
        return new GatewayException(ErrorCode.INTERNAL_ERROR, "Supervising the CLI process failed; see the gateway log.");
    }
}
