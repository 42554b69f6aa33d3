package io.llmgateway.contract;

import io.llmgateway.config.CliCommands;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.core.Sha256;
import io.llmgateway.exec.ExecutableNotFoundException;
import io.llmgateway.exec.ExecutableResolver;
import io.llmgateway.exec.ProcessExecutor;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.exec.Termination;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Drift: runs {@code <cli> [subcommand...] --help} for every command of a provider's contract (no shell, stdin
 * closed, each run bounded by the probe timeout and 256 KB of output, a few at a time) and compares the flags the
 * installed help declares with the contract's. A CLI that is not installed, or has no contract, is a status.
 */
public final class ContractProbe {
    private static final long MAX_HELP_BYTES = 256 * 1024;
    private static final int PARALLEL_RUNS = 4;

    private final CliContracts contracts;
    private final CliCommands commands;
    private final Map<String, String> env;
    private final Path workingDir;
    private final Duration timeout;
    private final RunGroup runs;
    private final Clock clock;

    public ContractProbe(
            CliContracts contracts, Map<String, String> env, Duration timeout, RunGroup runs, Clock clock) {
        this.contracts = contracts;
        this.commands = CliCommands.fromEnvironment(env);
        this.env = Map.copyOf(env);
        this.workingDir = Path.of(System.getProperty("java.io.tmpdir"));
        this.timeout = timeout;
        this.runs = runs;
        this.clock = clock;
    }

    public Duration timeout() {
        return timeout;
    }

    public InstalledProbe probe(ProviderId provider) {
        String command = commands.command(provider);
        Optional<CliContract> contract = contracts.of(provider);
        if (contract.isEmpty()) {
            return new InstalledProbe(
                    provider,
                    command,
                    InstalledProbe.Status.NO_CONTRACT,
                    null,
                    null,
                    List.of(),
                    "No contract: the gateway was built without reference help texts for " + provider.displayName()
                            + " (its CLI could not be installed where they were taken).",
                    clock.instant());
        }
        Path executable;
        try {
            executable = ExecutableResolver.resolve(command, env, workingDir);
        } catch (ExecutableNotFoundException e) {
            return new InstalledProbe(
                    provider,
                    command,
                    InstalledProbe.Status.NOT_INSTALLED,
                    null,
                    contract.get().version(),
                    List.of(),
                    e.getMessage() + " (set " + provider.commandOverrideVariable() + " to use another command)",
                    clock.instant());
        }
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_RUNS, runnable -> {
            Thread thread = new Thread(runnable, "contract-probe");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<CommandProbe>> pending = new ArrayList<>();
            for (CommandContract declared : contract.get().commands()) {
                pending.add(CompletableFuture.supplyAsync(() -> probe(executable, declared), pool));
            }
            return new InstalledProbe(
                    provider,
                    command,
                    InstalledProbe.Status.PROBED,
                    executable.toString(),
                    contract.get().version(),
                    pending.stream().map(CompletableFuture::join).toList(),
                    null,
                    clock.instant());
        } finally {
            pool.shutdownNow();
        }
    }

    private CommandProbe probe(Path executable, CommandContract declared) {
        List<String> argv = new ArrayList<>();
        argv.add(executable.toString());
        argv.addAll(declared.helpArgs());
        String shown = String.join(" ", declared.helpArgs());
        ProcessOutcome outcome;
        try {
            outcome = ProcessExecutor.command(argv)
                    .environment(env)
                    .directory(workingDir)
                    .limits(new RunLimits(timeout, timeout, MAX_HELP_BYTES, Duration.ZERO))
                    .partOf(runs)
                    .execute();
        } catch (GatewayException | IOException e) {
            return unavailable(declared, "`" + shown + "` could not run: " + e.getMessage());
        }
        if (outcome.termination() != Termination.EXITED) {
            return unavailable(
                    declared,
                    "`" + shown + "` did not finish (" + outcome.termination() + ", limit " + timeout.toMillis()
                            + " ms)");
        }
        String help = outcome.stdout() + "\n" + outcome.stderr();
        List<String> discovered = HelpText.flags(help);
        Set<String> declaredFlags = new HashSet<>(declared.flags());
        Set<String> discoveredFlags = new HashSet<>(discovered);
        List<String> warnings = new ArrayList<>();
        if (outcome.exitCode() == null || outcome.exitCode() != 0) {
            warnings.add("`" + shown + "` exited with status " + outcome.exitCode());
        }
        return new CommandProbe(
                declared.commandPath(),
                declared.summary(),
                true,
                outcome.exitCode(),
                discovered,
                discovered.stream().filter(f -> !declaredFlags.contains(f)).toList(),
                declared.flags().stream()
                        .filter(f -> !discoveredFlags.contains(f))
                        .toList(),
                Sha256.hex(help),
                warnings);
    }

    private static CommandProbe unavailable(CommandContract declared, String why) {
        return new CommandProbe(
                declared.commandPath(),
                declared.summary(),
                false,
                null,
                List.of(),
                List.of(),
                List.of(),
                null,
                List.of(why));
    }
}
