package io.llmgateway.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider run is, built before anything runs: the same value is checked ({@link #checked}), kept in a
 * job's launch files and started ({@link ProcessExecutor}). Never run through a shell: {@link #command()} is the
 * executable followed by its arguments, passed to the process as they are.
 *
 * @param command        executable (bare name looked up on {@code PATH} of {@link #environment()}, or a
 *                       path) followed by the arguments
 * @param workingDir     the child's working directory; must exist
 * @param environment    the child's complete environment (nothing else is inherited)
 * @param stdin          text the child reads on stdin (UTF-8), after which its stdin ends; null for none
 *                       (CLIs such as {@code codex exec} wait on an open stdin)
 * @param wallTimeout    the whole tree is killed when the run takes longer
 * @param idleTimeout    the whole tree is killed when neither stdout nor stderr produced output for this long
 * @param maxOutputBytes cap per stream; exceeding it stops the run ({@link Termination#OUTPUT_TOO_LARGE})
 * @param killGrace      how long processes get between SIGTERM and SIGKILL; also how long output pipes
 *                       may stay open after the main process exited before their holders are killed
 */
public record ProcessSpec(
        List<String> command,
        Path workingDir,
        Map<String, String> environment,
        String stdin,
        Duration wallTimeout,
        Duration idleTimeout,
        long maxOutputBytes,
        Duration killGrace) {

    public static final Duration DEFAULT_WALL_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 20L * 1024 * 1024;
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

    public ProcessSpec {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must name an executable");
        }
        Objects.requireNonNull(workingDir, "workingDir");
        environment = Map.copyOf(environment);
        new RunLimits(wallTimeout, idleTimeout, maxOutputBytes, killGrace); // checks them
    }

    /**
     * This spec checked as {@link ProcessExecutor#start()} checks a command, with its executable resolved on the
     * PATH of its own environment, without spawning anything: for callers that start the command later or in
     * another process (jobs run under a supervisor).
     *
     * @throws io.llmgateway.core.GatewayException {@code invalid_argument} for a NUL character, oversize input or
     *                                             a missing working directory
     * @throws ExecutableNotFoundException         when the executable cannot be found
     */
    public ProcessSpec checked(InputLimits inputLimits) {
        List<String> argv = inputLimits.checkedCommand(command, environment, workingDir, stdin);
        return new ProcessSpec(
                argv, workingDir, environment, stdin, wallTimeout, idleTimeout, maxOutputBytes, killGrace);
    }

    /**
     * A builder for {@code executable args...}, in this JVM's working directory. It starts with an empty
     * environment, never this JVM's: the caller says what the child gets ({@link Builder#environment}).
     */
    public static Builder builder(String executable, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        return new Builder(command);
    }

    public static Builder builder(List<String> command) {
        return new Builder(new ArrayList<>(command));
    }

    /** Mutable, single-threaded builder; {@link #build()} validates. */
    public static final class Builder {
        private final List<String> command;
        private Path workingDir = Path.of("").toAbsolutePath();
        private Map<String, String> environment = Map.of();
        private String stdin;
        private Duration wallTimeout = DEFAULT_WALL_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private long maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
        private Duration killGrace = DEFAULT_KILL_GRACE;

        private Builder(List<String> command) {
            this.command = command;
        }

        public Builder workingDir(Path workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        /** The child's whole environment; the default is an empty one. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        public Builder stdin(String stdin) {
            this.stdin = stdin;
            return this;
        }

        public Builder wallTimeout(Duration wallTimeout) {
            this.wallTimeout = wallTimeout;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder maxOutputBytes(long maxOutputBytes) {
            this.maxOutputBytes = maxOutputBytes;
            return this;
        }

        public Builder killGrace(Duration killGrace) {
            this.killGrace = killGrace;
            return this;
        }

        public ProcessSpec build() {
            return new ProcessSpec(
                    command, workingDir, environment, stdin, wallTimeout, idleTimeout, maxOutputBytes, killGrace);
        }
    }
}
