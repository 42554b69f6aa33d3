package io.llmgateway.job;

import io.llmgateway.files.PrivateFiles;
import io.llmgateway.exec.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's CLI process as recorded in cli.pid ({@code <pid> <startMillis> <runId> <machine>}), written by
 * whoever started it, so that any gateway can stop it: a deferred request of another gateway, or a CLI
 * whose supervisor is gone.
 */
final class CliProcess {
    private static final Logger LOG = LoggerFactory.getLogger(CliProcess.class);
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private CliProcess() {
    }

    /** Records a just-started CLI; nothing when it is already gone (there is nothing left to stop). */
    static void record(JobFiles files, ProcessHandle process, String runId) throws IOException {
        ProcessRef cli = ProcessRef.of(process);
        if (cli.startMillis() == 0) {
            return;
        }
        PrivateFiles.replaceVisibly(files.cliPid(), String.join(" ", Long.toString(cli.pid()),
                Long.toString(cli.startMillis()), runId, cli.machine() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Kills the recorded CLI and every process of its run, if it still runs; waits until they are gone. */
    static void stop(JobFiles files) {
        String[] fields;
        try {
            fields = Files.readString(files.cliPid(), StandardCharsets.UTF_8).trim().split(" ");
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}", files.cliPid(), e.getMessage());
            return;
        }
        if (fields.length != 4 || "0".equals(fields[1])) {
            return;
        }
        Optional<ProcessHandle> cli;
        try {
            cli = new ProcessRef(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[3]).handle();
        } catch (NumberFormatException e) {
            return;
        }
        cli.ifPresent(handle -> {
            LOG.info("Stopping CLI process {} of job {}", handle.pid(), files.dir().getFileName());
            new ProcessTree(handle, fields[2]).terminate(KILL_GRACE);
        });
    }
}
