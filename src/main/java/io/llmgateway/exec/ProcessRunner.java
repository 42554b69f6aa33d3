package io.llmgateway.exec;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs CLIs headlessly: never through a shell, stdin fed then closed, stdout and stderr captured (never
 * inherited), timeouts and output caps enforced by killing the whole process tree.
 *
 * <pre>{@code
 * ProcessOutcome outcome = runner.run(ProcessSpec.builder("codex", "exec", "--json", "-")
 *         .workingDir(dir).stdin(prompt).idleTimeout(Duration.ofMinutes(5)).build());
 * }</pre>
 *
 * Thread-safe; one instance serves the whole gateway. {@link #close()} cancels runs still going.
 */
public final class ProcessRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
    /**
     * Spawns are serialised JVM-wide (the fd table is per process, not per runner) so that the pipes
     * that appear across one spawn belong to that child alone.
     */
    private static final Object SPAWN_LOCK = new Object();

    private final InputLimits limits;
    private final Set<RunningProcess> live = ConcurrentHashMap.newKeySet();

    public ProcessRunner() {
        this(InputLimits.DEFAULTS);
    }

    public ProcessRunner(InputLimits limits) {
        this.limits = limits;
    }

    /**
     * Validates the spec, resolves the executable and spawns it.
     *
     * @throws GatewayException             {@code invalid_argument} for a NUL character, oversize input
     *                                      or a missing working directory; {@code cli_error} when the
     *                                      operating system refuses to start the file
     * @throws ExecutableNotFoundException  when the executable cannot be found (nothing was spawned)
     */
    public RunningProcess start(ProcessSpec spec) {
        limits.check(spec);
        String command = spec.command().get(0);
        Path executable = ExecutableResolver.resolve(command, spec.environment(), spec.workingDir());
        String runId = UUID.randomUUID().toString().replace("-", "");

        List<String> argv = new ArrayList<>(spec.command());
        argv.set(0, executable.toString());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(spec.workingDir().toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(spec.environment());
        environment.put(ProcessTree.markerVariable(runId), "1");

        long startNanos;
        Process process;
        Set<String> stdioPipes;
        synchronized (SPAWN_LOCK) {
            Set<String> pipesBefore = ProcessTree.pipesOfThisJvm();
            startNanos = System.nanoTime();
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new GatewayException(ErrorCode.CLI_ERROR,
                        "Could not start '" + command + "': " + e.getMessage(), Map.of("command", command));
            }
            stdioPipes = ProcessTree.pipesOfThisJvm();
            stdioPipes.removeAll(pipesBefore);
        }
        RunningProcess running = RunningProcess.launch(process, spec, runId, startNanos, stdioPipes);
        LOG.debug("Started {} as pid {} (run {})", executable.getFileName(), running.pid(), runId);
        live.add(running);
        running.completion().whenComplete((outcome, failure) -> live.remove(running));
        return running;
    }

    /**
     * Validates the spec and resolves its executable exactly as {@link #start} does, without spawning:
     * for callers that spawn the command in another process (jobs run under a supervisor).
     *
     * @return the spec with its executable replaced by the resolved absolute path
     * @throws GatewayException            as {@link #start}
     * @throws ExecutableNotFoundException as {@link #start}
     */
    public ProcessSpec checked(ProcessSpec spec) {
        limits.check(spec);
        Path executable = ExecutableResolver.resolve(spec.command().get(0), spec.environment(), spec.workingDir());
        List<String> argv = new ArrayList<>(spec.command());
        argv.set(0, executable.toString());
        return new ProcessSpec(argv, spec.workingDir(), spec.environment(), spec.stdin(), spec.wallTimeout(),
                spec.idleTimeout(), spec.maxOutputBytes(), spec.killGrace());
    }

    /**
     * {@link #start} then await. If the calling thread is interrupted meanwhile, the run is cancelled
     * and its CANCELLED outcome returned with the thread's interrupt status set.
     */
    public ProcessOutcome run(ProcessSpec spec) {
        RunningProcess running = start(spec);
        try {
            return running.await();
        } catch (InterruptedException e) {
            running.cancel();
            ProcessOutcome outcome = running.awaitUninterruptibly();
            Thread.currentThread().interrupt();
            return outcome;
        }
    }

    /** Cancels every run still going and waits until their process trees are gone. */
    @Override
    public void close() {
        List<RunningProcess> running = List.copyOf(live);
        running.forEach(RunningProcess::cancel);
        running.forEach(RunningProcess::awaitUninterruptibly);
    }
}
