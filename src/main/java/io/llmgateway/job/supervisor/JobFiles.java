package io.llmgateway.job.supervisor;

import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The files of one job, all private to the user (directory 0700, files 0600):
 * <pre>
 * jobs/&lt;jobId&gt;/job.json     the record, replaced atomically under {@code lock}
 * jobs/&lt;jobId&gt;/lock         kernel lock guarding changes of the record (never deleted)
 * jobs/&lt;jobId&gt;/stdout.log   the CLI's stdout as produced
 * jobs/&lt;jobId&gt;/stderr.log   the CLI's stderr as produced
 * jobs/&lt;jobId&gt;/exit.json    the exit status, written atomically once by whoever ran the CLI
 * jobs/&lt;jobId&gt;/cli.pid      pid, start time and run id of the CLI process (to stop an unsupervised one)
 * jobs/&lt;jobId&gt;/limits       timeouts and output cap of a deferred request (for a gateway adopting it)
 * jobs/&lt;jobId&gt;/owner        the gateway whose sync request the run is (to stop it if that gateway dies first)
 * jobs/&lt;jobId&gt;/launch/      what the supervisor needs to start the CLI (command, settings, stdin, and for a
 *                              queued job its environment); deleted as soon as the CLI runs
 * jobs/&lt;jobId&gt;/supervisor.log  the supervisor's own diagnostics
 * </pre>
 * The methods here are also used by the supervisor process, so they use nothing but the JDK and the files
 * package. Every file here is reached through {@link PrivateFiles}: never through a symbolic link.
 */
public final class JobFiles {
    public static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    public static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path dir;

    public JobFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path record() {
        return dir.resolve("job.json");
    }

    public Path lock() {
        return dir.resolve("lock");
    }

    public Path stdout() {
        return dir.resolve("stdout.log");
    }

    public Path stderr() {
        return dir.resolve("stderr.log");
    }

    public Path exit() {
        return dir.resolve("exit.json");
    }

    public Path cliPid() {
        return dir.resolve("cli.pid");
    }

    /** Timeouts and output cap of a deferred request, for a gateway that adopts it. */
    public Path limits() {
        return dir.resolve("limits");
    }

    /** The gateway process whose sync request this run is, while it is not a job. */
    public Path owner() {
        return dir.resolve("owner");
    }

    /** The prompt of a sync request, only between its creation and the CLI's start. */
    public Path stdin() {
        return dir.resolve("stdin");
    }

    public Path launchDir() {
        return dir.resolve("launch");
    }

    /** NUL-separated argv, the executable already resolved to an absolute path. */
    public Path launchCommand() {
        return launchDir().resolve("command");
    }

    /** NUL-separated NAME=value pairs: a queued job's environment, for whichever gateway starts it. */
    public Path launchEnvironment() {
        return launchDir().resolve("environment");
    }

    /** The CLI's stdin (the prompt); absent when stdin is closed at once. */
    public Path launchStdin() {
        return launchDir().resolve("stdin");
    }

    /** Working directory, timeouts and output cap as NUL-separated {@code key=value} pairs. */
    public Path launchSettings() {
        return launchDir().resolve("settings");
    }

    public Path supervisorLog() {
        return dir.resolve("supervisor.log");
    }

    /** Size of a file, 0 when it does not exist (or is not a regular file reached without links). */
    public static long sizeOf(Path file) {
        try {
            return PrivateFiles.regularFileAttributes(file).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether the run's exit status is on disk: a link at exit.json is nothing the gateway reads. */
    public boolean exited() {
        return Files.isRegularFile(exit(), LinkOption.NOFOLLOW_LINKS);
    }
}
