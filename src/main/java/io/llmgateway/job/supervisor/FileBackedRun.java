package io.llmgateway.job.supervisor;

import io.llmgateway.exec.ProcessRef;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.exec.OwnSession;
import io.llmgateway.exec.ProcessTree;
import io.llmgateway.exec.Termination;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.files.PrivateFiles.ChildStream;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One CLI run whose stdout and stderr the kernel writes straight into a job's files (no pipe through any
 * JVM, so the CLI loses nothing when its watcher dies), watched by whichever process holds this object:
 * a job's supervisor, the gateway running a sync request, or a gateway that adopted a deferred request
 * whose gateway is gone. Watching enforces the wall and idle timeouts (idle = neither file grows) and the
 * output cap (file size), and kills the whole tree (SIGTERM, grace, SIGKILL, re-parented descendants found
 * by the run's marker) when a limit is hit or a stop is requested. Uses nothing but the JDK (the supervisor
 * loads no libraries).
 */
public final class FileBackedRun {
    private static final long POLL_MILLIS = 200;

    private final JobFiles files;
    private final Process process;
    private final ProcessHandle handle;
    /** By pid and start time: every starter records it in cli.pid at once, so any process can stop the run. */
    private final ProcessRef cli;
    private final String runId;
    private final RunLimits limits;
    private final long startNanos;
    private final long lastGrowthNanos;
    private final ProcessTree tree;
    private final CompletableFuture<Termination> stop = new CompletableFuture<>();
    private volatile boolean released;

    private FileBackedRun(JobFiles files, Process process, ProcessHandle handle, ProcessRef cli, String runId,
            RunLimits limits, long startNanos, long lastGrowthNanos) {
        this.files = files;
        this.process = process;
        this.handle = handle;
        this.cli = cli;
        this.runId = runId;
        this.limits = limits;
        this.startNanos = startNanos;
        this.lastGrowthNanos = lastGrowthNanos;
        this.tree = new ProcessTree(handle, runId);
    }

    /**
     * Starts {@code command} (no shell) with its output appended to the job's stdout and stderr files and
     * every process of the run carrying the marker variable.
     *
     * @param environment the CLI's whole environment; null to inherit this process's
     * @param stdinFile   the CLI's stdin; null for /dev/null (closed at once)
     * @param ownSession  start it in a session of its own, so that it outlives this process
     */
    public static FileBackedRun start(JobFiles files, List<String> command, Path workingDir, Map<String, String> environment,
            Path stdinFile, RunLimits limits, boolean ownSession) throws IOException {
        String runId = UUID.randomUUID().toString().replace("-", "");
        List<String> argv = new ArrayList<>(ownSession ? OwnSession.prefix() : List.of());
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workingDir.toFile());
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        builder.environment().put(ProcessTree.markerVariable(runId), "1");
        long startNanos = System.nanoTime();
        Process process;
        // The job's files are opened here, never through a link; the kernel then writes to those very files.
        try (ChildStream stdin = stdinFile != null ? PrivateFiles.forChildInput(stdinFile) : null;
                ChildStream stdout = PrivateFiles.forChildOutput(files.stdout(), true);
                ChildStream stderr = PrivateFiles.forChildOutput(files.stderr(), true)) {
            builder.redirectInput(stdin != null ? stdin.redirect() : ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.redirect())
                    .redirectError(stderr.redirect());
            process = builder.start();
        }
        ProcessHandle handle = process.toHandle();
        return new FileBackedRun(files, process, handle, ProcessRef.of(handle), runId, limits, startNanos, startNanos);
    }

    /**
     * Takes over watching a CLI another process started and can no longer watch: the wall timeout counts
     * from the CLI's recorded start, the idle timeout from the last change of its output files.
     *
     * @param handle the live CLI process {@code cli} refers to
     */
    public static FileBackedRun adopt(JobFiles files, ProcessHandle handle, ProcessRef cli, String runId, RunLimits limits) {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        long startNanos = nowNanos - TimeUnit.MILLISECONDS.toNanos(Math.max(0, nowMillis - cli.startMillis()));
        long lastWrite = Math.max(modifiedMillis(files.stdout()), modifiedMillis(files.stderr()));
        long growthNanos = nowNanos - TimeUnit.MILLISECONDS.toNanos(Math.max(0, nowMillis - Math.max(lastWrite,
                cli.startMillis())));
        return new FileBackedRun(files, null, handle, cli, runId, limits, startNanos, growthNanos);
    }

    public long pid() {
        return handle.pid();
    }

    /** The CLI by pid and start time, as cli.pid records it. */
    public ProcessRef cli() {
        return cli;
    }

    public String runId() {
        return runId;
    }

    /** Asks the watch to stop the run; the first reason wins. */
    public void requestStop(Termination why) {
        stop.complete(why);
    }

    /** Ends the watch without touching the CLI (this process is going away; another one adopts it). */
    public void release() {
        released = true;
        stop.complete(Termination.CANCELLED);
    }

    public boolean released() {
        return released;
    }

    /**
     * Watches the run to its end. Returns how it ended, or empty when there is no exit status: the CLI was
     * adopted (only a parent learns its child's status) and exited by itself, or the watch was released.
     * After a stop the tree is killed; after an exit whatever the CLI left running is killed too.
     */
    public Optional<ExitReport> watch() throws IOException {
        Termination why = awaitExitOrStop();
        if (released) {
            return Optional.empty();
        }
        tree.terminate(limits.killGrace());
        if (process == null && why == null) {
            return Optional.empty();
        }
        Integer exitCode = process == null ? null : waitUninterruptibly(process);
        boolean stdoutTruncated = truncate(files.stdout(), limits.maxOutputBytes());
        boolean stderrTruncated = truncate(files.stderr(), limits.maxOutputBytes());
        if (why == null) {
            // It exited by itself, but only after writing past the cap.
            why = stdoutTruncated || stderrTruncated ? Termination.OUTPUT_TOO_LARGE : Termination.EXITED;
        }
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return Optional.of(new ExitReport(exitCode, why.name(), durationMs, stdoutTruncated, stderrTruncated, null,
                handle.pid(), runId));
    }

    /** Null when the CLI exited by itself; otherwise why it must be stopped. */
    private Termination awaitExitOrStop() {
        CompletableFuture<?> exited = process != null ? process.onExit() : new CompletableFuture<>();
        CompletableFuture<?> either = CompletableFuture.anyOf(exited, stop);
        long wallDeadline = startNanos + limits.wallTimeout().toNanos();
        long idleNanos = limits.idleTimeout().toNanos();
        long outputSize = JobFiles.sizeOf(files.stdout()) + JobFiles.sizeOf(files.stderr());
        long lastGrowth = lastGrowthNanos;
        while (true) {
            try {
                either.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // a poll: check the limits below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                requestStop(Termination.CANCELLED);
            }
            if (stop.isDone()) {
                return stop.join();
            }
            if (exited.isDone() || (process == null && cli().handle().isEmpty())) {
                return null;
            }
            long now = System.nanoTime();
            long stdout = JobFiles.sizeOf(files.stdout());
            long stderr = JobFiles.sizeOf(files.stderr());
            if (stdout > limits.maxOutputBytes() || stderr > limits.maxOutputBytes()) {
                return Termination.OUTPUT_TOO_LARGE;
            }
            if (stdout + stderr != outputSize) {
                outputSize = stdout + stderr;
                lastGrowth = now;
            }
            if (now - wallDeadline >= 0) {
                return Termination.TIMEOUT;
            }
            if (now - lastGrowth >= idleNanos) {
                return Termination.IDLE_TIMEOUT;
            }
        }
    }

    private static int waitUninterruptibly(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cuts a stream back to the cap (the CLI may have written past it before it was stopped). */
    private static boolean truncate(Path file, long maxBytes) throws IOException {
        if (JobFiles.sizeOf(file) <= maxBytes) {
            return false;
        }
        try (FileChannel channel = PrivateFiles.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(maxBytes);
        }
        return true;
    }

    private static long modifiedMillis(Path file) {
        try {
            return PrivateFiles.regularFileAttributes(file).lastModifiedTime().toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
