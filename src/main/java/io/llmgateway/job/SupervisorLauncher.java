package io.llmgateway.job;

import io.llmgateway.exec.Output;
import io.llmgateway.exec.ProcessExecutor;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.job.supervisor.JobFiles;
import io.llmgateway.job.supervisor.JobSupervisorMain;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Starts a job's supervisor process from the running gateway's own code: {@code [setsid] java <fast-start
 * flags> -cp <gateway jar> io.llmgateway.job.supervisor.JobSupervisorMain <jobDir>}, with stdin from /dev/null and
 * its output appended to the job's supervisor.log. {@code setsid} (when installed) puts it in a session
 * of its own, so signals to the gateway's process group (Ctrl-C in a terminal, a host killing the group)
 * do not reach it. No shell is involved.
 */
final class SupervisorLauncher {
    /** A small JVM that starts fast: it only watches files and a child process. */
    private static final List<String> JVM_FLAGS = List.of(
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx32m", "-Xss512k", "-XX:-UsePerfData");

    private final List<String> prefix;

    SupervisorLauncher() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.add("-cp");
        command.add(classPath());
        command.add(JobSupervisorMain.class.getName());
        this.prefix = List.copyOf(command);
    }

    /** Starts the supervisor of the job in {@code files} with the CLI's environment; returns it. */
    ProcessRef launch(JobFiles files, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(files.dir().toString());
        return ProcessExecutor.command(command)
                .environment(environment)
                .directory(files.dir())
                .output(Output.appendBothTo(files.supervisorLog()))
                .ownSession()
                .startDetached();
    }

    /**
     * The jar (or class directory) this code was loaded from, plus wherever the logging binding lives:
     * the same jar in production, separate entries when running from a build tree.
     */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        entries.add(location(JobSupervisorMain.class));
        entries.add(location(LoggerFactory.class));
        entries.add(location(LoggerFactory.getILoggerFactory().getClass()));
        return String.join(File.pathSeparator, entries);
    }

    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot locate the code of " + type.getName());
        }
        try {
            return Path.of(source.getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the code of " + type.getName(), e);
        }
    }
}
