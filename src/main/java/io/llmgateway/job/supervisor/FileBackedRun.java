package io.llmgateway.job.supervisor;

import io.llmgateway.exec.Output;
import io.llmgateway.exec.ProcessExecutor;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.exec.RunningProcess;
import io.llmgateway.exec.Stdin;
import io.llmgateway.exec.Termination;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One CLI run whose stdout and stderr the kernel writes straight into a job's files (no pipe through any
 * JVM, so the CLI loses nothing when its watcher dies), watched by whichever process holds this object:
 * a job's supervisor, the gateway running a sync request, or a gateway that adopted a deferred request
 * whose gateway is gone. The watch is exec's ({@link RunningProcess}): the wall and idle timeouts (idle =
 * neither file grows), the output cap (file size), and the whole tree stopped when a limit is hit or a stop
 * is requested. What this adds is the job's view: its files, and how the run ended as exit.json records it.
 */
public final class FileBackedRun {
    private final RunningProcess run;

    private FileBackedRun(RunningProcess run) {
        this.run = run;
    }

    /**
     * Starts {@code command} (no shell) with its output appended to the job's stdout and stderr files and
     * every process of the run carrying the marker variable.
     *
     * @param environment the CLI's whole environment
     * @param stdinFile   the CLI's stdin; null for none (at its end at once)
     * @param ownSession  start it in a session of its own, so that it outlives this process
     * @throws io.llmgateway.core.GatewayException when the command is refused before anything is spawned
     * @throws IOException                         when it cannot be started
     */
    public static FileBackedRun start(
            JobFiles files,
            List<String> command,
            Path workingDir,
            Map<String, String> environment,
            Path stdinFile,
            RunLimits limits,
            boolean ownSession)
            throws IOException {
        ProcessExecutor executor = ProcessExecutor.command(command)
                .environment(environment)
                .directory(workingDir)
                .stdin(stdinFile != null ? Stdin.file(stdinFile) : Stdin.closed())
                .output(output(files))
                .limits(limits);
        if (ownSession) {
            executor.ownSession();
        }
        return new FileBackedRun(executor.start());
    }

    /**
     * Takes over watching a CLI another process started and can no longer watch: the wall timeout counts
     * from the CLI's recorded start, the idle timeout from the last change of its output files.
     *
     * @param handle the live CLI process {@code cli} refers to
     */
    public static FileBackedRun adopt(
            JobFiles files, ProcessHandle handle, ProcessRef cli, String runId, RunLimits limits) {
        return new FileBackedRun(RunningProcess.adopt(handle, cli, runId, output(files), limits));
    }

    private static Output.ToFiles output(JobFiles files) {
        return Output.appendTo(files.stdout(), files.stderr());
    }

    public long pid() {
        return run.pid();
    }

    /** The CLI by pid and start time, as cli.pid records it. */
    public ProcessRef cli() {
        return run.ref();
    }

    public String runId() {
        return run.runId();
    }

    /** Asks the watch to stop the run; the first reason wins. */
    public void requestStop(Termination why) {
        run.requestStop(why);
    }

    /** Ends the watch without touching the CLI (this process is going away; another one adopts it). */
    public void release() {
        run.release();
    }

    public boolean released() {
        return run.released();
    }

    /**
     * Watches the run to its end. Returns how it ended, or empty when there is no exit status: the CLI was
     * adopted (only a parent learns its child's status) and exited by itself, or the watch was released.
     */
    public Optional<ExitReport> watch() {
        ProcessOutcome outcome = run.await();
        if (run.released() || outcome.exitStatusUnknown()) {
            return Optional.empty();
        }
        return Optional.of(new ExitReport(
                outcome.exitCode(),
                outcome.termination().name(),
                outcome.duration().toMillis(),
                outcome.stdoutTruncated(),
                outcome.stderrTruncated(),
                null,
                outcome.pid(),
                outcome.runId()));
    }
}
