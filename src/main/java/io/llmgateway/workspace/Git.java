package io.llmgateway.workspace;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.exec.ExecutableNotFoundException;
import io.llmgateway.exec.ProcessExecutor;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.exec.Termination;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real {@code git} for workspaces and worktrees through the gateway's one process executor: an argv, no
 * shell, stdin closed, a time limit, output bounded, and an explicit environment. The environment keeps only what finding
 * git and its repositories needs ({@code PATH}, {@code HOME}, {@code TMPDIR}); no inherited {@code GIT_*}
 * variable, no system or global configuration, and hooks and fsmonitor are switched off for every command,
 * so a repository cannot make the gateway run code of its own by being checked out.
 */
public final class Git {
    /** A checkout of a large repository may take a while; git prints nothing meanwhile. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static final long MAX_OUTPUT_BYTES = 4L * 1024 * 1024;
    private static final List<String> SAFETY = List.of(
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "protocol.allow=never",
            "-c",
            "submodule.recurse=false");

    /** What a git command printed and how it exited. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Its error text, for a message: stderr, else stdout, trimmed and cut. */
        String problem() {
            String text = (stderr.isBlank() ? stdout : stderr).strip();
            return text.length() > 500 ? text.substring(0, 500) + "…" : text;
        }
    }

    private final RunGroup runs;
    private final Map<String, String> environment;

    /**
     * @param runs               the gateway's short runs, stopped when it closes
     * @param gatewayEnvironment the gateway's environment; only PATH, HOME and TMPDIR are passed on
     */
    public Git(RunGroup runs, Map<String, String> gatewayEnvironment) {
        this.runs = runs;
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : List.of("PATH", "HOME", "TMPDIR")) {
            String value = gatewayEnvironment.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("LC_ALL", "C");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_TERMINAL_PROMPT", "0");
        this.environment = Map.copyOf(env);
    }

    /**
     * Runs {@code git <args>} in {@code directory}.
     *
     * @throws GatewayException git_failed when git is missing, or it was stopped (time limit, output cap)
     */
    public Result run(Path directory, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(SAFETY);
        command.addAll(List.of(args));
        ProcessOutcome outcome;
        try {
            outcome = ProcessExecutor.command(command)
                    .environment(environment)
                    .directory(directory)
                    .limits(new RunLimits(TIMEOUT, TIMEOUT, MAX_OUTPUT_BYTES, Duration.ZERO))
                    .partOf(runs)
                    .execute();
        } catch (ExecutableNotFoundException e) {
            throw new GatewayException(
                    ErrorCode.GIT_FAILED,
                    "git was not found on the PATH of the gateway's "
                            + "environment; workspaces and worktrees need it installed.");
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.GIT_FAILED, "git could not be started in " + directory + ": " + e.getMessage());
        }
        if (outcome.termination() != Termination.EXITED || outcome.exitCode() == null) {
            throw new GatewayException(
                    ErrorCode.GIT_FAILED,
                    "git " + args[0] + " in " + directory + " was stopped ("
                            + outcome.termination().name().toLowerCase(java.util.Locale.ROOT) + ", limit "
                            + TIMEOUT.toSeconds() + " s).");
        }
        return new Result(outcome.exitCode(), outcome.stdout(), outcome.stderr());
    }

    /** {@link #run}, failing with git_failed and git's own words when the command does not succeed. */
    public Result require(Path directory, String what, String... args) {
        Result result = run(directory, args);
        if (!result.ok()) {
            throw new GatewayException(
                    ErrorCode.GIT_FAILED, what + " failed: " + result.problem(), Map.of("exitCode", result.exitCode()));
        }
        return result;
    }
}
