package io.llmgateway.job.supervisor;

import io.llmgateway.exec.ProcessRef;
import io.llmgateway.exec.RunProcesses;
import io.llmgateway.exec.StopStrategy;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's CLI process as recorded in cli.pid ({@code <pid> <startMillis> <runId> <machine>}), written by
 * whoever started it, so that any gateway can stop it (a deferred request of another gateway, or a CLI
 * whose supervisor is gone) or adopt it (a deferred request whose gateway is gone).
 *
 * @param process the CLI, identified by pid and start time (so a reused pid is never mistaken for it)
 * @param runId   the marker id every process of its run carries
 */
public record RecordedCli(ProcessRef process, String runId) {
    private static final Logger LOG = LoggerFactory.getLogger(RecordedCli.class);
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    /** Records a just-started CLI; nothing when it is already gone (there is nothing left to stop). */
    public static void record(JobFiles files, ProcessRef cli, String runId) throws IOException {
        if (cli.startMillis() == 0) {
            return;
        }
        PrivateFiles.replaceVisibly(
                files.cliPid(),
                String.join(
                                " ",
                                Long.toString(cli.pid()),
                                Long.toString(cli.startMillis()),
                                runId,
                                cli.machine() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /** The recorded CLI; empty when none was recorded (or the file is unreadable). */
    public static Optional<RecordedCli> read(JobFiles files) {
        String[] fields;
        try {
            fields = PrivateFiles.readString(files.cliPid()).trim().split(" ");
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}", files.cliPid(), e.getMessage());
            return Optional.empty();
        }
        if (fields.length != 4 || "0".equals(fields[1])) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RecordedCli(
                    new ProcessRef(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[3]), fields[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Kills the recorded CLI and every process of its run, if it still runs; waits until they are gone. */
    public static void stop(JobFiles files) {
        read(files)
                .ifPresent(cli -> cli.process().handle().ifPresent(handle -> {
                    LOG.info(
                            "Stopping CLI process {} of job {}",
                            handle.pid(),
                            files.dir().getFileName());
                    StopStrategy.WHOLE_TREE.stop(RunProcesses.of(handle, cli.runId()), KILL_GRACE);
                }));
    }
}
