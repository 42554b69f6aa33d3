package io.llmgateway.ops;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.policy.PolicyCheck;
import io.llmgateway.policy.PolicyLocation;
import io.llmgateway.policy.PolicyParser;
import io.llmgateway.provider.cli.LoginStatus;
import io.llmgateway.provider.cli.ProviderRegistry;
import io.llmgateway.store.JsonFileSessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code doctor} checks, as {@link Check}s: Java, configuration, data directory, session
 * store, policy, each provider CLI and the start-up archive. It opens the session store the way the
 * gateway does on its first call, so a damaged store file is moved aside (and reported) here too;
 * nothing else is written.
 */
public final class Doctor {
    private final Map<String, String> env;
    private final Path dataDir;
    private final ProviderRegistry registry;
    private final ProviderProber prober;
    private final Optional<StartupArchive> archive;
    private final Clock clock;

    public Doctor(
            Map<String, String> env,
            Path dataDir,
            ProviderRegistry registry,
            ProviderProber prober,
            Optional<StartupArchive> archive,
            Clock clock) {
        this.env = env;
        this.registry = registry;
        this.dataDir = dataDir;
        this.prober = prober;
        this.archive = archive;
        this.clock = clock;
    }

    /**
     * The doctor for this process's environment: data directory and probe timeout from it (a bad
     * timeout value falls back to the default here and is reported by the configuration check), and
     * the start-up archive of the jar this process runs from, if it runs from one.
     */
    public static Doctor forEnvironment(Map<String, String> env, RunGroup probes, Clock clock) {
        Path dataDir = GatewayConfig.resolveDataDir(env);
        Duration timeout;
        try {
            timeout = GatewayConfig.probeTimeout(env);
        } catch (IllegalArgumentException e) {
            timeout = GatewayConfig.DEFAULT_PROBE_TIMEOUT;
        }
        Optional<StartupArchive> archive = GatewayLaunch.runningJar()
                .map(jar -> new StartupArchive(dataDir, GatewayLaunch.currentJava(), jar, clock));
        ProviderRegistry registry = ProviderRegistry.standard();
        return new Doctor(env, dataDir, registry, new ProviderProber(registry, probes, env, timeout), archive, clock);
    }

    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        checks.add(java());
        checks.add(configuration());
        List<Check> directory = new DataDirectoryCheck(dataDir, true).run();
        checks.addAll(directory);
        if (Files.isDirectory(dataDir) && directory.stream().noneMatch(Check::isProblem)) {
            checks.add(store());
        }
        checks.add(policy());
        checks.addAll(providers());
        archive.ifPresent(a -> checks.add(startupArchive(a)));
        return checks;
    }

    private static Check java() {
        return Check.ok(
                "java",
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") at "
                        + System.getProperty("java.home"));
    }

    private Check configuration() {
        try {
            GatewayConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            return Check.problem(
                    "configuration",
                    e.getMessage(),
                    "correct that variable, or unset it to use the default (the gateway refuses to start with it)");
        }
        long set = env.keySet().stream()
                .filter(name -> name.startsWith("LLM_GATEWAY_"))
                .count();
        return Check.ok(
                "configuration",
                set == 0
                        ? "defaults (no LLM_GATEWAY_* variables set)"
                        : set + " LLM_GATEWAY_* variable(s) set, all valid");
    }

    private Check store() {
        try (JsonFileSessionStore store = new JsonFileSessionStore(dataDir, clock)) {
            int sessions = store.read(state -> state.size());
            if (!store.warnings().isEmpty()) {
                return Check.problem(
                        "session store",
                        String.join("; ", store.warnings()),
                        "the damaged file was moved aside and the store carries on; look at it, then delete it");
            }
            return Check.ok("session store", sessions + " session record(s)");
        } catch (GatewayException e) {
            return Check.problem(
                    "session store",
                    e.getMessage(),
                    "fix the data directory as described above, then run doctor again");
        }
    }

    private Check policy() {
        PolicyLocation location = PolicyLocation.resolve(env, dataDir);
        if (!Files.exists(location.path())) {
            if (location.required()) {
                return Check.problem(
                        "policy",
                        location.path() + " does not exist, but " + PolicyLocation.ENV_VARIABLE
                                + " names it (the gateway refuses to start)",
                        "create the file, or correct or unset " + PolicyLocation.ENV_VARIABLE);
            }
            return Check.ok("policy", "no policy file at " + location.path() + "; every tool is allowed");
        }
        PolicyCheck check = new PolicyParser().check(location.path());
        if (check.ok()) {
            return Check.ok("policy", location.path() + ": " + check.message());
        }
        return Check.problem(
                "policy",
                check.message() + " (the gateway refuses to start with it; a running gateway"
                        + " keeps its last good policy)",
                "edit " + location.path() + " (re-check with java -jar llm-cli-gateway.jar --check-policy "
                        + location.path() + "), or move it aside to allow every tool");
    }

    private List<Check> providers() {
        List<Check> checks = new ArrayList<>();
        List<ProbeResult> statuses = prober.probe(List.of(ProviderId.values()));
        for (ProbeResult status : statuses) {
            checks.add(provider(status));
        }
        if (statuses.stream().noneMatch(ProbeResult::installed)) {
            checks.add(
                    Check.problem(
                            "providers",
                            "no provider CLI was found on PATH",
                            "install at least one, e.g. npm install -g @anthropic-ai/claude-code, or set LLM_GATEWAY_<PROVIDER>_COMMAND"));
        }
        return checks;
    }

    private Check provider(ProbeResult status) {
        String area = status.cli().wireName();
        if (!status.installed()) {
            if (status.problem() != null) {
                return Check.problem(
                        area,
                        status.problem(),
                        "point " + status.cli().commandOverrideVariable()
                                + " at the CLI's executable, or unset it to use `"
                                + status.cli().defaultCommand() + "` from PATH");
            }
            return Check.info(area, "not installed (no `" + status.command() + "` on PATH)");
        }
        String found = (status.version() != null ? status.version() : "version unknown") + " at " + status.path();
        if (status.problem() != null) {
            return Check.problem(
                    area,
                    found + ": " + status.problem(),
                    "run `" + status.path()
                            + " --version` yourself to see what is wrong; reinstall the CLI if it fails");
        }
        LoginStatus login = status.login();
        return switch (login.state()) {
            case LOGGED_IN ->
                Check.ok(area, found + ", logged in" + (login.method() != null ? " (" + login.method() + ")" : ""));
            case NOT_LOGGED_IN ->
                Check.problem(
                        area,
                        found + ", not logged in: " + login.detail(),
                        "run " + registry.get(status.cli()).loginHint());
            case UNKNOWN -> Check.info(area, found + ", login status unknown: " + login.detail());
        };
    }

    private static Check startupArchive(StartupArchive archive) {
        StartupArchive.ArchiveStatus status = archive.status();
        String setup = "java -jar " + archive.launch().jar() + " setup";
        return switch (status.state()) {
            case MISSING ->
                Check.info("start-up archive", "not made yet; `" + setup + "` makes start-up about twice as fast");
            case STALE ->
                Check.info(
                        "start-up archive",
                        status.detail() + "; the next start with the setup flags, or `" + setup
                                + "`, makes a new one (a stale archive is never used)");
            case FRESH ->
                archive.verify()
                        .map(problem -> Check.problem(
                                "start-up archive",
                                "the JVM rejects " + status.file() + ": " + problem,
                                "run `" + setup + "` again"))
                        .orElseGet(() -> Check.ok(
                                "start-up archive", status.file() + " (" + status.detail() + ", accepted by the JVM)"));
        };
    }
}
