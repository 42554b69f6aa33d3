package io.llmgateway.ops;

import io.llmgateway.config.CliCommands;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessExecutor;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.redact.SecretRedactor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * cli_upgrade's service: how each provider CLI is upgraded (the original's plans: the CLI's own {@code update}
 * where it has one, npm for a pinned Codex or for Gemini CLI, pip/uv/brew for Mistral Vibe as installed) and, only
 * when asked, running that plan: argv without a shell, stdin closed, a wall timeout, output bounded and redacted.
 */
public final class CliUpgrader {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final long MAX_OUTPUT_BYTES = 1024 * 1024;
    private static final Duration DETECT_TIMEOUT = Duration.ofSeconds(5);
    private static final String VIBE_PACKAGE = "mistral-vibe";

    /** One upgrade: run {@code command args}; strategy and note as the original names them. */
    public record Plan(ProviderId cli, String target, String command, List<String> args, String strategy, String note) {
        public Plan {
            args = List.copyOf(args);
        }
    }

    /** What running a plan did; stdout and stderr are redacted. */
    public record Outcome(Integer exitCode, String termination, String stdout, String stderr) {}

    private final CliCommands commands;
    private final Map<String, String> env;
    private final RunGroup runs;
    private final SecretRedactor redactor;
    private final Path workingDir;

    public CliUpgrader(Map<String, String> env, RunGroup runs) {
        this.commands = CliCommands.fromEnvironment(env);
        this.env = Map.copyOf(env);
        this.runs = runs;
        this.redactor = new SecretRedactor(this.env);
        this.workingDir = Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * The plan for {@code cli} at {@code target} ("latest", a version or a dist-tag).
     *
     * @throws GatewayException invalid_argument for a target that is not a bare version or tag, or one the CLI's
     *                          updater cannot install; cli_not_found when Mistral Vibe's installer is unknown
     */
    public Plan plan(ProviderId cli, String target) {
        String t = target.strip();
        if (!TARGET.matcher(t).matches()) {
            throw new GatewayException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Upgrade target must be a bare version or dist-tag (letters, digits, '.', '_', '-'; 1-64 chars; "
                            + "must start alphanumeric). Package specifiers, aliases, URLs, and paths (containing ':', "
                            + "'/', or '@') are not allowed.");
        }
        boolean latest = t.equals("latest");
        String own = commands.command(cli);
        return switch (cli) {
            case CLAUDE ->
                latest
                        ? new Plan(cli, t, own, List.of("update"), "self-update", null)
                        : new Plan(
                                cli,
                                t,
                                own,
                                List.of("install", t),
                                "self-update",
                                "Claude Code supports explicit install targets through 'claude install <target>'.");
            case GROK ->
                latest
                        ? new Plan(cli, t, own, List.of("update"), "self-update", null)
                        : new Plan(
                                cli,
                                t,
                                own,
                                List.of("update", "--version", t),
                                "self-update",
                                "Grok CLI supports explicit version targets via 'grok update --version <target>'.");
            case CODEX ->
                latest
                        ? new Plan(cli, t, own, List.of("update"), "self-update", null)
                        : new Plan(
                                cli,
                                t,
                                "npm",
                                List.of("install", "-g", "@openai/codex@" + t),
                                "npm-global-install",
                                "Explicit Codex targets use the documented npm package path; latest can use 'codex update'.");
            case GEMINI ->
                new Plan(
                        cli,
                        t,
                        "npm",
                        List.of("install", "-g", "@google/gemini-cli@" + t),
                        "npm-global-install",
                        "This gateway runs Gemini CLI (npm @google/gemini-cli), which has no update command; the "
                                + "original plans 'agy update' for Antigravity.");
            case DEVIN -> new Plan(cli, onlyLatest(cli, t, own), own, List.of("update"), "self-update", null);
            case CURSOR -> new Plan(cli, onlyLatest(cli, t, own), own, List.of("update"), "self-update", null);
            case MISTRAL -> mistral(t);
        };
    }

    private static String onlyLatest(ProviderId cli, String target, String command) {
        if (!target.equals("latest")) {
            throw new GatewayException(
                    ErrorCode.INVALID_ARGUMENT,
                    cli.displayName() + " CLI upgrades support only the 'latest' target via '" + command + " update'.");
        }
        return target;
    }

    /** Vibe does not update itself: the package manager that installed it does (pip, then uv, then brew). */
    private Plan mistral(String target) {
        boolean latest = target.equals("latest");
        if (detects("pip", List.of("show", VIBE_PACKAGE), "Name: " + VIBE_PACKAGE)) {
            return new Plan(
                    ProviderId.MISTRAL,
                    target,
                    "pip",
                    List.of("install", "-U", latest ? VIBE_PACKAGE : VIBE_PACKAGE + "==" + target),
                    "pip-install",
                    "Mistral Vibe has no self-update command; gateway detected a pip install.");
        }
        String anyTarget = latest ? "" : " (it does not honour explicit version targets; upgrading to latest)";
        if (detects("uv", List.of("tool", "list"), VIBE_PACKAGE)) {
            return new Plan(
                    ProviderId.MISTRAL,
                    target,
                    "uv",
                    List.of("tool", "upgrade", VIBE_PACKAGE),
                    "uv-tool-upgrade",
                    "Mistral Vibe has no self-update command; gateway detected a uv tool install" + anyTarget + ".");
        }
        if (detects("brew", List.of("list", VIBE_PACKAGE), "")) {
            return new Plan(
                    ProviderId.MISTRAL,
                    target,
                    "brew",
                    List.of("upgrade", VIBE_PACKAGE),
                    "brew-upgrade",
                    "Mistral Vibe has no self-update command; gateway detected a Homebrew install" + anyTarget + ".");
        }
        throw new GatewayException(
                ErrorCode.CLI_NOT_FOUND,
                "Could not detect how Mistral Vibe was installed. Install it via pip (`pip install mistral-vibe`), uv "
                        + "(`uv tool install mistral-vibe`), or Homebrew (`brew install mistral-vibe`) before running "
                        + "cli_upgrade.");
    }

    private boolean detects(String command, List<String> args, String marker) {
        try {
            ProcessOutcome outcome = run(command, args, DETECT_TIMEOUT);
            return outcome.succeeded() && outcome.stdout().contains(marker);
        } catch (GatewayException | IOException e) {
            return false;
        }
    }

    /** Runs {@code plan}; a command that cannot be started is cli_not_found. */
    public Outcome upgrade(Plan plan, Duration timeout) {
        try {
            ProcessOutcome outcome = run(plan.command(), plan.args(), timeout);
            return new Outcome(
                    outcome.reportedExitCode(),
                    outcome.termination().name().toLowerCase(java.util.Locale.ROOT),
                    redactor.redact(outcome.stdout()),
                    redactor.redact(outcome.stderr()));
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.CLI_NOT_FOUND, "`" + plan.command() + "` could not be started: " + e.getMessage());
        }
    }

    private ProcessOutcome run(String command, List<String> args, Duration timeout) throws IOException {
        List<String> argv = new java.util.ArrayList<>();
        argv.add(command);
        argv.addAll(args);
        return ProcessExecutor.command(argv)
                .environment(env)
                .directory(workingDir)
                .limits(new RunLimits(timeout, timeout, MAX_OUTPUT_BYTES, Duration.ZERO))
                .partOf(runs)
                .execute();
    }
}
