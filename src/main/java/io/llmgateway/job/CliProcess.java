package io.llmgateway.job;

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
 * The job's CLI process as recorded in cli.pid ({@code <pid> <startMillis> <runId>}), so that any gateway
 * can stop it: a deferred request of another gateway, or a CLI whose supervisor is gone.
 */
final class CliProcess {
    private static final Logger LOG = LoggerFactory.getLogger(CliProcess.class);
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private CliProcess() {
    }

    static void record(JobFiles files, long pid, String runId) throws IOException {
        ProcessRef cli = ProcessHandle.of(pid).map(ProcessRef::of).orElse(new ProcessRef(pid, 0));
        JobFiles.replaceVisibly(files.cliPid(), (cli.pid() + " " + cli.startMillis() + " " + runId + "\n")
                .getBytes(StandardCharsets.UTF_8));
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
        if (fields.length != 3) {
            return;
        }
        Optional<ProcessHandle> cli;
        try {
            cli = new ProcessRef(Long.parseLong(fields[0]), Long.parseLong(fields[1])).handle();
        } catch (NumberFormatException e) {
            return;
        }
        cli.ifPresent(handle -> {
            LOG.info("Stopping CLI process {} of job {}", handle.pid(), files.dir().getFileName());
            new ProcessTree(handle, fields[2]).terminate(KILL_GRACE);
        });
    }
}
