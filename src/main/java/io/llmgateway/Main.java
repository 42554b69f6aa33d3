package io.llmgateway;

import io.llmgateway.command.DoctorCommand;
import io.llmgateway.command.GrantCommand;
import io.llmgateway.command.SetupCommand;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.HttpConfig;
import io.llmgateway.core.Version;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.grant.GrantFile;
import io.llmgateway.grant.GrantService;
import io.llmgateway.http.HttpGateway;
import io.llmgateway.ops.ArchiveUpkeep;
import io.llmgateway.ops.Doctor;
import io.llmgateway.policy.InvalidPolicyException;
import io.llmgateway.policy.PolicyCheck;
import io.llmgateway.policy.PolicyGuard;
import io.llmgateway.policy.PolicyParser;
import io.llmgateway.server.Gateway;
import io.llmgateway.store.JsonFileSessionStore;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Entry point: {@code java -jar llm-cli-gateway.jar} serves MCP over stdio; with {@code --transport=http}
 * (or {@code LLM_GATEWAY_TRANSPORT=http}) over Streamable HTTP; other arguments are offline commands.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        // stdout carries JSON-RPC only: keep the real stdout for the transport, send everything else to stderr.
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        PrintStream console = System.out;
        System.setOut(System.err);

        Map<String, String> env = System.getenv();
        List<String> rest = new ArrayList<>(List.of(args));
        String transport = takeTransport(rest);
        if (!rest.isEmpty()) {
            System.exit(
                    transport != null
                            ? usage("--transport is an option of serving, not of " + rest.get(0))
                            : runCommand(rest.toArray(String[]::new), env, console));
        }
        GatewayConfig config;
        boolean http;
        try {
            config = GatewayConfig.fromEnvironment(env);
            http = transport == null
                    ? HttpConfig.requested(env)
                    : switch (transport) {
                        case "http" -> true;
                        case "stdio" -> false;
                        default ->
                            throw new IllegalArgumentException(
                                    "--transport must be stdio or http, got '" + transport + "'");
                    };
        } catch (IllegalArgumentException e) {
            System.err.println("llm-cli-gateway: " + e.getMessage());
            System.exit(2);
            return;
        }
        Clock clock = Clock.systemUTC();
        PolicyGuard policy;
        try {
            policy = PolicyGuard.open(config.dataDir(), env, clock);
        } catch (InvalidPolicyException e) {
            System.err.println("llm-cli-gateway: refusing to start: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.err.println("llm-cli-gateway: " + policy.status().describe());
        if (http) {
            serveHttp(config, env, policy, clock);
            return;
        }
        Gateway gateway = Gateway.start(
                config, new JsonFileSessionStore(config.dataDir(), clock), policy, System.in, protocolOut, clock);
        ArchiveUpkeep.schedule(config.dataDir(), clock);
        gateway.awaitTermination();
        gateway.close();
        System.exit(0);
    }

    /**
     * Serves until SIGTERM (or SIGINT): then stops accepting, lets calls in flight finish (at most 10 s),
     * closes the services and exits 0.
     */
    private static void serveHttp(GatewayConfig config, Map<String, String> env, PolicyGuard policy, Clock clock)
            throws Exception {
        HttpGateway server;
        try {
            server = HttpGateway.start(
                    config,
                    HttpConfig.fromEnvironment(env),
                    new JsonFileSessionStore(config.dataDir(), clock),
                    policy,
                    clock);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("llm-cli-gateway: refusing to start: " + e.getMessage());
            System.exit(2);
            return;
        } catch (java.io.IOException e) {
            System.err.println("llm-cli-gateway: cannot serve HTTP: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.err.println("llm-cli-gateway: serving MCP over HTTP at " + server.url());
        // The JVM would exit 143 after SIGTERM; the service stopped cleanly, so it exits 0 (halt: the hooks ran).
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            Runtime.getRuntime().halt(0);
                        },
                        "shutdown"));
        ArchiveUpkeep.schedule(config.dataDir(), clock);
        server.gateway().awaitTermination();
    }

    /** Removes {@code --transport=X} or {@code --transport X} from {@code args}; its value, or null. */
    private static String takeTransport(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--transport=")) {
                args.remove(i);
                return arg.substring("--transport=".length());
            }
            if (arg.equals("--transport") && i + 1 < args.size()) {
                args.remove(i);
                return args.remove(i);
            }
        }
        return null;
    }

    private static int usage(String message) {
        System.err.println("llm-cli-gateway: " + message + ". Try --help.");
        return 2;
    }

    /** Offline commands; output goes to the console because no JSON-RPC session runs. */
    private static int runCommand(String[] args, Map<String, String> env, PrintStream console) {
        List<String> options = List.of(args).subList(1, args.length);
        switch (args[0]) {
            case "doctor" -> {
                try (RunGroup probes = new RunGroup()) {
                    return new DoctorCommand(Doctor.forEnvironment(env, probes, Clock.systemUTC()), Version.current())
                            .run(options, console, System.err);
                }
            }
            case "grant" -> {
                return new GrantCommand(
                                new GrantService(new GrantFile(GatewayConfig.resolveDataDir(env)), Clock.systemUTC()),
                                Clock.systemUTC())
                        .run(options, console, System.err);
            }
            case "setup" -> {
                return new SetupCommand(
                                env,
                                GatewayConfig.resolveDataDir(env),
                                Clock.systemUTC(),
                                System.getProperty("os.name", ""))
                        .run(options, console, System.err);
            }
            case "--version", "-V", "version" -> {
                console.println(Gateway.NAME + " " + Version.current());
                return 0;
            }
            case "--check-policy" -> {
                if (args.length != 2) {
                    System.err.println("usage: java -jar llm-cli-gateway.jar --check-policy FILE");
                    return 2;
                }
                PolicyCheck check = new PolicyParser().check(Path.of(args[1]));
                (check.ok() ? console : System.err).println(check.message());
                return check.ok() ? 0 : 1;
            }
            case "--help", "-h", "help" -> {
                console.print(help());
                return 0;
            }
            default -> {
                System.err.println("llm-cli-gateway: unknown argument '" + args[0] + "'. Try --help.");
                return 2;
            }
        }
    }

    private static String help() {
        return """
                llm-cli-gateway %s: an MCP server (stdio or Streamable HTTP) that runs coding-agent CLIs headlessly.

                Usage:
                  java -jar llm-cli-gateway.jar            serve MCP over stdin/stdout (what agent hosts launch)
                  java -jar llm-cli-gateway.jar --transport=http
                                                           serve MCP over Streamable HTTP (LLM_GATEWAY_HTTP_HOST,
                                                           _PORT, _PATH; default http://127.0.0.1:3333/mcp);
                                                           every request needs a grant's bearer token
                  java -jar llm-cli-gateway.jar grant add NAME [--expires DAYS] [--json]
                                                           make a grant: prints its bearer token once
                  java -jar llm-cli-gateway.jar grant list [--json] | grant revoke NAME
                  java -jar llm-cli-gateway.jar setup [--client claude-desktop|cursor|claude-code|codex|gemini|all]
                                                [--write] [--print] [--json]
                                                           prepare the start-up archive and show (--write: merge,
                                                           with a backup) each host's server entry; --print --client X
                                                           prints only that entry as JSON
                  java -jar llm-cli-gateway.jar doctor [--json]
                                                           check Java, data directory, store, policy and every
                                                           provider CLI; exit 0 only when healthy
                  java -jar llm-cli-gateway.jar --version  print the version
                  java -jar llm-cli-gateway.jar --help     this text
                  java -jar llm-cli-gateway.jar --check-policy FILE
                                                           validate a PolicyLayer-format policy file and exit

                Configuration is read from the environment (see README.md), e.g.
                  LLM_GATEWAY_HOME               data directory (default $HOME/.llm-cli-gateway)
                  LLM_GATEWAY_TRANSPORT          stdio (default) or http
                  LLM_GATEWAY_SESSION_TTL_DAYS   days without use before a session expires (default 30)
                  LLM_GATEWAY_MAX_LINE_BYTES     longest JSON-RPC line accepted (default 33554432)
                  LLM_GATEWAY_MAX_OUTPUT_BYTES   cap per output stream of one CLI run (default 20971520)
                  LLM_GATEWAY_SYNC_DEADLINE_MS   a sync request running longer becomes a job (default 45000; 0 = never)
                  LLM_GATEWAY_MAX_JOBS           jobs running at once (default 4; per provider: _PER_PROVIDER, 2)
                  LLM_GATEWAY_JOB_RETENTION_DAYS days finished jobs are kept (default 7); more in docs/JOBS.md
                  LLM_GATEWAY_<PROVIDER>_COMMAND executable of a provider CLI, e.g. LLM_GATEWAY_CLAUDE_COMMAND
                                                 (default: claude, codex, gemini, grok, vibe, devin, cursor-agent on PATH)
                  LLM_GATEWAY_POLICY             policy file (default <data dir>/policy.json; none = allow all)
                  LLM_GATEWAY_PROBE_TIMEOUT_MS   time limit of each CLI version/login probe (default 5000)
                """.formatted(Version.current());
    }
}
