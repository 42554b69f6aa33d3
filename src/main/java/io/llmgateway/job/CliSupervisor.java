package io.llmgateway.job;

import io.llmgateway.files.PrivateFiles;
import io.llmgateway.exec.ProcessTree;
import io.llmgateway.exec.Termination;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job's CLI inside the supervisor process: the CLI writes its output straight into the job's
 * files (no pipe through any JVM, so nothing is lost or buffered), the supervisor enforces the wall and
 * idle timeouts (from file growth) and the output cap (from file size), kills the whole process tree
 * when a limit is hit or when it is asked to stop (SIGTERM), and records the exit status in exit.json.
 */
final class CliSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(CliSupervisor.class);
    private static final long POLL_MILLIS = 200;

    private final JobFiles files;
    private final Object lock = new Object();
    private Termination stopRequest;
    private Thread worker;

    CliSupervisor(JobFiles files) {
        this.files = files;
    }

    /** Asks the run to stop (from the SIGTERM hook); the tree is killed and exit.json says CANCELLED. */
    void requestStop(Termination why) {
        synchronized (lock) {
            if (stopRequest == null) {
                stopRequest = why;
            }
            if (worker != null) {
                worker.interrupt();
            }
        }
    }

    /** Starts the CLI, supervises it to the end and writes exit.json. */
    ExitReport run() throws IOException {
        LaunchFiles.Settings settings = LaunchFiles.readSettings(files);
        String runId = UUID.randomUUID().toString().replace("-", "");
        ProcessBuilder builder = new ProcessBuilder(settings.command())
                .directory(settings.workingDir().toFile())
                .redirectInput(settings.stdinFile() != null ? settings.stdinFile().toFile() : new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.stdout().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(files.stderr().toFile()));
        builder.environment().put(ProcessTree.markerVariable(runId), "1");
        long startNanos = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            LaunchFiles.delete(files);
            return finish(new ExitReport(null, null, 0, false, false,
                    "Could not start '" + settings.command().get(0) + "': " + e.getMessage(), 0, runId));
        }
        CliProcess.record(files, process.toHandle(), runId);
        // The CLI holds its stdin open already; the prompt need not stay on disk.
        LaunchFiles.delete(files);
        LOG.info("job CLI started as pid {} (run {})", process.pid(), runId);

        ProcessTree tree = new ProcessTree(process.toHandle(), runId);
        Termination stop = supervise(process, settings, startNanos);
        if (stop != null) {
            LOG.info("stopping the CLI's process tree: {}", stop);
        }
        // Also kills what the CLI left running after it exited by itself.
        tree.terminate(settings.killGrace());
        int exitCode = waitUninterruptibly(process);
        boolean stdoutTruncated = truncate(files.stdout(), settings.maxOutputBytes());
        boolean stderrTruncated = truncate(files.stderr(), settings.maxOutputBytes());
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        Termination termination = stop != null ? stop : Termination.EXITED;
        return finish(new ExitReport(exitCode, termination.name(), durationMs, stdoutTruncated, stderrTruncated,
                null, process.pid(), runId));
    }

    /** Waits for the CLI to exit; returns why the supervisor must stop it, or null when it exited by itself. */
    private Termination supervise(Process process, LaunchFiles.Settings settings, long startNanos) {
        synchronized (lock) {
            worker = Thread.currentThread();
        }
        try {
            return superviseUntilExitOrStop(process, settings, startNanos);
        } finally {
            // Later stop requests must not interrupt file operations; the run is ending anyway.
            synchronized (lock) {
                worker = null;
            }
            Thread.interrupted();
        }
    }

    private Termination superviseUntilExitOrStop(Process process, LaunchFiles.Settings settings, long startNanos) {
        long wallDeadline = startNanos + settings.wallTimeout().toNanos();
        long idleNanos = settings.idleTimeout().toNanos();
        long outputSize = 0;
        long lastGrowth = startNanos;
        while (true) {
            synchronized (lock) {
                if (stopRequest != null) {
                    return stopRequest;
                }
            }
            try {
                if (process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                continue; // a stop request; checked at the top
            }
            long now = System.nanoTime();
            long stdout = JobFiles.sizeOf(files.stdout());
            long stderr = JobFiles.sizeOf(files.stderr());
            if (stdout > settings.maxOutputBytes() || stderr > settings.maxOutputBytes()) {
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
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(maxBytes);
        }
        return true;
    }

    private ExitReport finish(ExitReport report) throws IOException {
        PrivateFiles.replaceAtomically(files.exit(), report.toJson().getBytes(StandardCharsets.UTF_8));
        return report;
    }
}
