package io.llmgateway.job.supervisor;

import io.llmgateway.exec.Termination;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job's CLI inside the supervisor process ({@link FileBackedRun}: output straight into the job's files,
 * limits enforced from them, the whole tree killed on a limit or when asked to stop by SIGTERM) and
 * records the exit status in exit.json.
 */
final class JobSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(JobSupervisor.class);

    private final JobFiles files;
    private final Object lock = new Object();
    private Termination stopRequest;
    private FileBackedRun run;

    JobSupervisor(JobFiles files) {
        this.files = files;
    }

    /** Asks the run to stop (from the SIGTERM hook); the tree is killed and exit.json says CANCELLED. */
    void requestStop(Termination why) {
        synchronized (lock) {
            if (stopRequest == null) {
                stopRequest = why;
            }
            if (run != null) {
                run.requestStop(why);
            }
        }
    }

    /** Starts the CLI, supervises it to the end and writes exit.json. */
    ExitReport run() throws IOException {
        LaunchFiles.Settings settings;
        try {
            settings = LaunchFiles.readSettings(files);
        } catch (IOException e) {
            LaunchFiles.delete(files);
            return finish(new ExitReport(
                    null, null, 0, false, false, "Could not read the job's launch files: " + e.getMessage(), 0, null));
        }
        FileBackedRun started;
        try {
            // This process was started with the CLI's environment (see SupervisorLauncher), so it hands on its own.
            started = FileBackedRun.start(
                    files,
                    settings.command(),
                    settings.workingDir(),
                    System.getenv(),
                    settings.stdinFile(),
                    settings.limits(),
                    false);
        } catch (IOException | RuntimeException e) { // refused before spawning (it vanished, say), or not started
            LaunchFiles.delete(files);
            return finish(new ExitReport(
                    null,
                    null,
                    0,
                    false,
                    false,
                    "Could not start '" + settings.command().get(0) + "': " + e.getMessage(),
                    0,
                    null));
        }
        synchronized (lock) {
            run = started;
            if (stopRequest != null) {
                started.requestStop(stopRequest);
            }
        }
        RecordedCli.record(files, started.cli(), started.runId());
        // The CLI holds its stdin open already; the prompt need not stay on disk.
        LaunchFiles.delete(files);
        LOG.info("job CLI started as pid {} (run {})", started.pid(), started.runId());
        Optional<ExitReport> report = started.watch();
        if (report.isEmpty()) {
            throw new IOException("the CLI's exit status was lost");
        }
        return finish(report.get());
    }

    private ExitReport finish(ExitReport report) throws IOException {
        PrivateFiles.replaceAtomically(files.exit(), report.toJson().getBytes(StandardCharsets.UTF_8));
        return report;
    }
}
