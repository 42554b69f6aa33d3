package io.llmgateway.exec;

import io.llmgateway.files.PrivateFiles;
import io.llmgateway.files.PrivateFiles.ChildStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the gateway starts a process: no shell (an argv), an environment the caller gives in full (never
 * this JVM's by default), stdin closed or fed, output captured or written to files, wall and idle limits, an
 * output cap, and the whole tree stopped when the run must end. Input is checked and the executable resolved on
 * the child's own PATH before anything is spawned.
 *
 * <pre>{@code
 * ProcessOutcome outcome = ProcessExecutor.command(List.of(codex, "--version"))
 *         .environment(env).directory(dir)
 *         .limits(new RunLimits(timeout, timeout, 64 * 1024, Duration.ZERO))
 *         .execute();
 * }</pre>
 *
 * A builder, for one thread; {@link #start()} may be called more than once.
 */
public final class ProcessExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessExecutor.class);
    /** The stdin of a child that reads none: at its end at once. */
    private static final File NO_INPUT = new File("/dev/null");
    /**
     * Spawns whose output is captured are serialised JVM-wide (the descriptor table belongs to the process) so
     * that the pipes appearing across one spawn belong to that child alone.
     */
    private static final Object SPAWN_LOCK = new Object();

    private final List<String> command;
    private Map<String, String> environment;
    private Path directory = Path.of("").toAbsolutePath();
    private Stdin stdin = Stdin.closed();
    private Output output = Output.capture();
    private RunLimits limits;
    private boolean ownSession;
    private StopStrategy stopStrategy = StopStrategy.WHOLE_TREE;
    private InputLimits inputLimits = InputLimits.DEFAULTS;
    private RunGroup group;

    private ProcessExecutor(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must name an executable");
        }
        this.command = List.copyOf(command);
    }

    /** The executable (a bare name, looked up on the PATH of {@link #environment}, or a path) and its arguments. */
    public static ProcessExecutor command(List<String> command) {
        return new ProcessExecutor(command);
    }

    /**
     * The child's whole environment. Required: nothing is inherited, so a caller that wants this JVM's environment
     * passes {@code System.getenv()} and says why.
     */
    public ProcessExecutor environment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /** The child's working directory (must exist); this JVM's unless given. */
    public ProcessExecutor directory(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /** What the child reads on stdin; {@link Stdin#closed()} unless given. */
    public ProcessExecutor stdin(Stdin stdin) {
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        return this;
    }

    /** Where stdout and stderr go; {@link Output#capture()} unless given. */
    public ProcessExecutor output(Output output) {
        this.output = Objects.requireNonNull(output, "output");
        return this;
    }

    /** The limits the run is watched under; required for a watched run. */
    public ProcessExecutor limits(RunLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return this;
    }

    /**
     * Starts the process in a session of its own ({@link OwnSession}): it outlives this process, and no signal to
     * this process's group (Ctrl-C, a host killing the group) reaches it.
     */
    public ProcessExecutor ownSession() {
        this.ownSession = true;
        return this;
    }

    /** How the run's processes are stopped; {@link StopStrategy#WHOLE_TREE} unless given. */
    public ProcessExecutor stopWith(StopStrategy stopStrategy) {
        this.stopStrategy = Objects.requireNonNull(stopStrategy, "stopStrategy");
        return this;
    }

    /** The size limits the command is checked against; {@link InputLimits#DEFAULTS} unless given. */
    public ProcessExecutor inputLimits(InputLimits inputLimits) {
        this.inputLimits = Objects.requireNonNull(inputLimits, "inputLimits");
        return this;
    }

    /** Makes the run one of {@code group}'s, stopped when the group is closed. */
    public ProcessExecutor partOf(RunGroup group) {
        this.group = Objects.requireNonNull(group, "group");
        return this;
    }

    /**
     * Starts the process and watches it (see {@link RunningProcess}); every process of the run carries its marker
     * variable.
     *
     * @throws io.llmgateway.core.GatewayException {@code invalid_argument} for a NUL character, oversize input or a
     *                                             missing working directory (nothing was spawned)
     * @throws ExecutableNotFoundException         when the executable cannot be found (nothing was spawned)
     * @throws IOException                         when the system refuses to start it, or an output file cannot
     *                                             be opened
     */
    @SuppressWarnings("try") // the redirect files are open for the try block
    public RunningProcess start() throws IOException {
        if (limits == null) {
            throw new IllegalStateException("a watched run needs its limits");
        }
        String runId = UUID.randomUUID().toString().replace("-", "");
        ProcessBuilder builder = builder();
        builder.environment().put(ProcessTree.markerVariable(runId), "1");
        boolean captured = output instanceof Output.Capture;
        long startNanos;
        Process process;
        Set<String> pipes = Set.of();
        try (Redirects redirects = redirects(builder)) {
            if (captured) {
                synchronized (SPAWN_LOCK) {
                    Set<String> before = ProcessTree.pipesOfThisJvm();
                    startNanos = System.nanoTime();
                    process = builder.start();
                    Set<String> after = ProcessTree.pipesOfThisJvm();
                    after.removeAll(before);
                    pipes = after;
                }
            } else {
                startNanos = System.nanoTime();
                process = builder.start();
            }
        }
        feed(process);
        RunningProcess run = RunningProcess.started(
                process, new RunProcesses(process.toHandle(), runId, pipes), output, limits, stopStrategy, startNanos);
        LOG.debug("Started {} as pid {} (run {})", Path.of(command.get(0)).getFileName(), run.pid(), runId);
        if (group != null) {
            group.add(run);
        }
        return run;
    }

    /**
     * {@link #start()} and {@link RunningProcess#await()}: an interrupt of the calling thread cancels the run,
     * whose CANCELLED outcome is returned with the thread's interrupt status set.
     */
    public ProcessOutcome execute() throws IOException {
        return start().await();
    }

    /**
     * Starts the process and leaves it alone: no limits, no watch, no stop. For a process that must outlive this
     * one and is stopped by a signal to its pid (a job's supervisor, which stops its own run). Its output must go
     * to files and its stdin must not be fed from here.
     *
     * @throws io.llmgateway.core.GatewayException as {@link #start()}
     * @throws IOException                         as {@link #start()}
     */
    @SuppressWarnings("try") // the redirect files are open for the try block
    public ProcessRef startDetached() throws IOException {
        if (output instanceof Output.Capture || stdin instanceof Stdin.Text) {
            throw new IllegalStateException("a detached process neither writes to nor reads from this process");
        }
        ProcessBuilder builder = builder();
        try (Redirects redirects = redirects(builder)) {
            return ProcessRef.of(builder.start().toHandle());
        }
    }

    private ProcessBuilder builder() {
        if (environment == null) {
            throw new IllegalStateException("the child's environment must be given (nothing is inherited)");
        }
        String stdinText = stdin instanceof Stdin.Text text ? text.text() : null;
        List<String> argv = new ArrayList<>(ownSession ? OwnSession.prefix() : List.of());
        argv.addAll(inputLimits.checkedCommand(command, environment, directory, stdinText));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(directory.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder;
    }

    /**
     * Points the child's streams where they go. Files are opened here, never through a link, and the child gets
     * those very files ({@link PrivateFiles#forChildOutput}); they are closed here once it started.
     */
    private Redirects redirects(ProcessBuilder builder) throws IOException {
        Redirects redirects = new Redirects();
        try {
            if (stdin instanceof Stdin.FromFile file) {
                builder.redirectInput(
                        redirects.add(PrivateFiles.forChildInput(file.file())).redirect());
            } else if (stdin instanceof Stdin.Closed && !(output instanceof Output.Capture)) {
                builder.redirectInput(ProcessBuilder.Redirect.from(NO_INPUT)); // nothing ties the child to us
            }
            if (output instanceof Output.ToFiles files) {
                builder.redirectOutput(redirects
                        .add(PrivateFiles.forChildOutput(files.stdout(), true))
                        .redirect());
                if (files.stderr() == null) {
                    builder.redirectErrorStream(true);
                } else {
                    builder.redirectError(redirects
                            .add(PrivateFiles.forChildOutput(files.stderr(), true))
                            .redirect());
                }
            }
            return redirects;
        } catch (IOException | RuntimeException e) {
            redirects.close();
            throw e;
        }
    }

    /**
     * Writes stdin text on a thread of its own (a child that reads slowly, or not at all, blocks nothing else). A
     * captured run that reads nothing gets a pipe closed only now, after its pipes were noted: a child that ends at
     * the end of its input cannot take its pipes with it before they are known.
     */
    private void feed(Process process) {
        if (stdin instanceof Stdin.Closed) {
            try {
                process.getOutputStream().close(); // a no-op unless stdin is a pipe
            } catch (IOException e) {
                LOG.debug("Closing the stdin of child {} failed: {}", process.pid(), e.toString());
            }
            return;
        }
        if (!(stdin instanceof Stdin.Text text)) {
            return;
        }
        byte[] input = text.text().getBytes(StandardCharsets.UTF_8);
        RunningProcess.daemon(process.pid(), "stdin", () -> {
                    try (OutputStream in = process.getOutputStream()) {
                        in.write(input);
                    } catch (IOException e) {
                        LOG.debug(
                                "Child {} closed its stdin before reading all input: {}", process.pid(), e.toString());
                    }
                })
                .start();
    }

    /** The files a child's streams were redirected to, open until it started. */
    private static final class Redirects implements AutoCloseable {
        private final List<ChildStream> streams = new ArrayList<>();

        ChildStream add(ChildStream stream) {
            streams.add(stream);
            return stream;
        }

        @Override
        public void close() throws IOException {
            IOException failure = null;
            for (ChildStream stream : streams) {
                try {
                    stream.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
