package io.llmgateway.job.supervisor;

import io.llmgateway.exec.Termination;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of a job's supervisor process: {@code java -cp <gateway jar> io.llmgateway.job.supervisor.JobSupervisorMain
 * <jobDir>}. Started detached from the gateway (own session, stdin /dev/null, output to the job's
 * supervisor.log) so that it and its CLI outlive the gateway. SIGTERM (llm_job_cancel from any gateway)
 * kills the CLI's process tree and records the job as cancelled.
 */
public final class JobSupervisorMain {
    private static final Logger LOG = LoggerFactory.getLogger(JobSupervisorMain.class);
    /** How long a SIGTERM waits for the tree to be killed and exit.json written, beyond the kill grace. */
    private static final long STOP_WAIT_SECONDS = 30;

    private JobSupervisorMain() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            LOG.error("usage: JobSupervisorMain <jobDir>");
            System.exit(2);
        }
        JobFiles files = new JobFiles(Path.of(args[0]));
        JobSupervisor supervisor = new JobSupervisor(files);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            supervisor.requestStop(Termination.CANCELLED);
                            try {
                                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "job-supervisor-stop"));
        try {
            ExitReport report = supervisor.run();
            LOG.info("job CLI ended: {} exit code {}", report.termination(), report.exitCode());
        } catch (Exception e) {
            // No exit.json: gateways will report the job orphaned, with the output it produced.
            LOG.error("supervising the job in {} failed", files.dir(), e);
        } finally {
            finished.countDown();
        }
    }
}
