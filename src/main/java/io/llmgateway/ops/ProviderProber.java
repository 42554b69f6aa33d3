package io.llmgateway.ops;

import io.llmgateway.config.CliCommands;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ExecutableNotFoundException;
import io.llmgateway.exec.ExecutableResolver;
import io.llmgateway.exec.ProcessExecutor;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.exec.Termination;
import io.llmgateway.provider.cli.LoginStatus;
import io.llmgateway.provider.cli.ProviderCli;
import io.llmgateway.provider.cli.ProviderRegistry;
import io.llmgateway.provider.cli.StatusContext;
import io.llmgateway.redact.SecretRedactor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds out, for each provider CLI, whether it is installed, where, which version and whether it is
 * logged in. All CLIs and both questions per CLI are asked in parallel, each run bounded by the probe
 * timeout, so a missing CLI costs nothing and a hanging one at most the timeout.
 */
public final class ProviderProber {
    private static final long MAX_OUTPUT_BYTES = 64 * 1024;
    private static final Pattern VERSION = Pattern.compile("\\d+(?:\\.\\d+)+(?:-[0-9A-Za-z.]+)?");

    private final ProviderRegistry registry;
    /** The probes still running when the gateway closes are stopped with it. */
    private final RunGroup runs;

    private final Map<String, String> env;
    private final CliCommands commands;
    private final Path home;
    private final Path workingDir;
    private final Duration timeout;
    /** Probe output is redacted as it is read: the version line is shown to callers. */
    private final SecretRedactor redactor;

    public ProviderProber(ProviderRegistry registry, RunGroup runs, Map<String, String> env, Duration timeout) {
        this.registry = registry;
        this.runs = runs;
        this.env = Map.copyOf(env);
        this.commands = CliCommands.fromEnvironment(env);
        this.home = Path.of(
                Optional.ofNullable(env.get("HOME")).filter(h -> !h.isBlank()).orElse(System.getProperty("user.home")));
        this.workingDir = Path.of(System.getProperty("java.io.tmpdir"));
        this.timeout = timeout;
        this.redactor = new SecretRedactor(this.env);
    }

    public Duration timeout() {
        return timeout;
    }

    /** Probes {@code providers} in parallel; the result keeps their order. */
    public List<ProbeResult> probe(Collection<ProviderId> providers) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, 2 * providers.size()), runnable -> {
            Thread thread = new Thread(runnable, "cli-probe");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<ProbeResult>> pending = new ArrayList<>();
            for (ProviderId provider : providers) {
                pending.add(probeOne(provider, pool));
            }
            return pending.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    private CompletableFuture<ProbeResult> probeOne(ProviderId provider, ExecutorService pool) {
        ProviderCli cli = registry.get(provider);
        long started = System.nanoTime();
        boolean overridden = commands.isOverridden(provider);
        String command = commands.command(provider);
        Path path;
        try {
            path = ExecutableResolver.resolve(command, env, workingDir);
        } catch (ExecutableNotFoundException e) {
            String problem = overridden
                    ? provider.commandOverrideVariable() + " names a command that cannot be run: " + e.getMessage()
                    : null;
            return CompletableFuture.completedFuture(new ProbeResult(
                    provider, command, overridden, null, null, null, LoginStatus.unknown("not installed"), problem, 0));
        }
        StatusContext context = new Context(path);
        CompletableFuture<Optional<ProcessOutcome>> version = CompletableFuture.supplyAsync(
                () -> context.run(cli.versionArgs().toArray(String[]::new)), pool);
        CompletableFuture<LoginStatus> login = CompletableFuture.supplyAsync(() -> cli.loginStatus(context), pool);
        return version.thenCombine(login, (versionOutcome, loginStatus) -> {
            String versionText = versionOutcome.map(ProviderProber::firstLine).orElse(null);
            String versionNumber = versionText == null ? null : versionNumber(versionText);
            String problem = null;
            if (versionOutcome.isEmpty()) {
                problem = "`" + command + " --version` did not answer within " + timeout.toMillis() + " ms";
            } else if (!versionOutcome.get().succeeded()) {
                problem = "`" + command + " --version` failed (exit "
                        + versionOutcome.get().reportedExitCode() + ")";
            }
            return new ProbeResult(
                    provider,
                    command,
                    overridden,
                    path.toString(),
                    versionNumber,
                    versionText,
                    loginStatus,
                    problem,
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        });
    }

    /** The first non-blank stdout line that is not a warning (codex prints a PATH warning first), at most 200 chars. */
    private static String firstLine(ProcessOutcome outcome) {
        return outcome.stdout()
                .lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("WARNING"))
                .findFirst()
                .map(line -> line.length() > 200 ? line.substring(0, 200) : line)
                .orElse(null);
    }

    static String versionNumber(String versionText) {
        Matcher matcher = VERSION.matcher(versionText);
        return matcher.find() ? matcher.group() : null;
    }

    private final class Context implements StatusContext {
        private final Path executable;

        Context(Path executable) {
            this.executable = executable;
        }

        @Override
        public Optional<ProcessOutcome> run(String... args) {
            List<String> command = new ArrayList<>();
            command.add(executable.toString());
            command.addAll(List.of(args));
            try {
                ProcessOutcome outcome = ProcessExecutor.command(command)
                        .environment(env)
                        .directory(workingDir)
                        .limits(new RunLimits(timeout, timeout, MAX_OUTPUT_BYTES, Duration.ZERO))
                        .partOf(runs)
                        .execute();
                return outcome.termination() == Termination.EXITED
                        ? Optional.of(outcome.withOutput(
                                redactor.redact(outcome.stdout()), redactor.redact(outcome.stderr())))
                        : Optional.empty();
            } catch (GatewayException | IOException e) {
                return Optional.empty();
            }
        }

        @Override
        public Optional<String> env(String name) {
            return Optional.ofNullable(env.get(name)).filter(value -> !value.isBlank());
        }

        @Override
        public Path home() {
            return home;
        }
    }
}
