package io.llmgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.realcli.CliProcess;
import io.llmgateway.realcli.FakeModelApi;
import io.llmgateway.realcli.RealCli;
import io.llmgateway.realcli.RealCliEnvironment;
import io.llmgateway.support.GatewayProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gateway overhead benchmark (not a test): the same fresh-session Claude and Codex requests, run by the real
 * CLIs against the loopback {@link FakeModelApi}, once bare (the CLI spawned directly with the argv the
 * gateway builds for a plain request, {@code claude -p --output-format=stream-json --verbose} and
 * {@code codex exec --json --skip-git-repo-check -}, prompt on stdin) and once through a warm gateway ({@code claude_request} / {@code codex_request} over
 * stdio JSON-RPC to the spawned shaded jar). Repetitions are interleaved, alternating which side goes
 * first, after {@value #WARM_UP} discarded warm-up rounds. Prints, per CLI, the median bare time, the
 * median time via the gateway and the median of the paired differences (the overhead), in ms.
 *
 * <p>Run: {@code scripts/install-clis.sh && scripts/bench.sh overhead [repetitions]} (default
 * {@value #DEFAULT_REPETITIONS}). Without bench.sh: {@code mvn -B -q -DskipTests package} then
 * {@code java -Dgateway.jar=target/llm-cli-gateway.jar -cp target/test-classes:target/llm-cli-gateway.jar
 * io.llmgateway.bench.GatewayOverheadBenchmark 30}. A gateway build without the request tools gets the bare
 * side only.
 */
public final class GatewayOverheadBenchmark {
    private static final int DEFAULT_REPETITIONS = 30;
    private static final int WARM_UP = 2;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    private static final int GATEWAY_CALL_SECONDS = 120;

    /** One CLI under measurement: its offline environment, a warm gateway (null without the tool) and the samples. */
    private record Subject(
            RealCli cli,
            RealCliEnvironment env,
            GatewayProcess gateway,
            List<Long> bareNanos,
            List<Long> gatewayNanos) {}

    private GatewayOverheadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_REPETITIONS;
        List<RealCli> clis = List.of(RealCli.CLAUDE, RealCli.CODEX);
        for (RealCli cli : clis) {
            if (cli.binary().isEmpty()) {
                System.err.println(cli.notInstalled());
                System.exit(2);
            }
        }
        Path root = Files.createTempDirectory("bench-overhead");
        List<Subject> subjects = new ArrayList<>();
        try (FakeModelApi api = FakeModelApi.start()) {
            for (RealCli cli : clis) {
                subjects.add(subject(cli, RealCliEnvironment.create(cli, root, api)));
            }
            for (int round = 0; round < WARM_UP + repetitions; round++) {
                for (Subject subject : subjects) {
                    String prompt = "overhead round " + round;
                    long bare;
                    long viaGateway;
                    if (round % 2 == 0) {
                        bare = bare(subject, prompt);
                        viaGateway = viaGateway(subject, prompt);
                    } else {
                        viaGateway = viaGateway(subject, prompt);
                        bare = bare(subject, prompt);
                    }
                    if (round >= WARM_UP) {
                        subject.bareNanos().add(bare);
                        if (subject.gateway() != null) {
                            subject.gatewayNanos().add(viaGateway);
                        }
                    }
                }
            }
            report(subjects, repetitions);
        } finally {
            subjects.stream().map(Subject::gateway).filter(g -> g != null).forEach(GatewayProcess::close);
            deleteTree(root);
        }
    }

    private static Subject subject(RealCli cli, RealCliEnvironment env) throws IOException {
        GatewayProcess gateway = GatewayProcess.startIsolated(env.environmentWith(Map.of(
                "LLM_GATEWAY_HOME",
                env.home().resolve("gateway-data").toString(),
                cli.commandVariable(),
                env.binary().toString())));
        gateway.client.initialize();
        String tool = cli.cliName() + "_request";
        if (!gateway.client.toolNames().contains(tool)) {
            System.err.println("gateway side not measured: this gateway build has no " + tool + " tool");
            gateway.close();
            gateway = null;
        }
        return new Subject(cli, env, gateway, new ArrayList<>(), new ArrayList<>());
    }

    /** Wall time of one bare CLI run, from spawn to exit. */
    private static long bare(Subject subject, String prompt) {
        RealCliEnvironment env = subject.env();
        List<String> command = switch (subject.cli()) {
            case CLAUDE -> env.command("-p", "--output-format=stream-json", "--verbose");
            case CODEX -> env.command("exec", "--json", "--skip-git-repo-check", "-");
            case GEMINI -> throw new IllegalArgumentException("gemini is not benchmarked: node start-up dominates it");
        };
        CliProcess.Outcome outcome = CliProcess.run(
                command,
                env.environment(),
                env.workDir(),
                prompt,
                RUN_TIMEOUT,
                env.tmpDir().resolve("capture"));
        if (outcome.exitCode() != 0
                || !outcome.stdout().contains(FakeModelApi.expectedReply(subject.cli(), 1, prompt))) {
            throw new IllegalStateException("bare " + subject.cli().cliName() + " run failed: " + outcome);
        }
        return outcome.elapsed().toNanos();
    }

    /** Wall time of one tools/call through the warm gateway, from sending the request to reading the response. */
    private static long viaGateway(Subject subject, String prompt) {
        if (subject.gateway() == null) {
            return 0;
        }
        long started = System.nanoTime();
        JsonNode result = subject.gateway()
                .client
                .callTool(
                        subject.cli().cliName() + "_request",
                        Map.of(
                                "prompt",
                                prompt,
                                "workingDir",
                                subject.env().workDir().toString()),
                        GATEWAY_CALL_SECONDS);
        long elapsed = System.nanoTime() - started;
        if (result.path("isError").asBoolean()
                || !FakeModelApi.expectedReply(subject.cli(), 1, prompt)
                        .equals(result.path("structuredContent")
                                .path("response")
                                .asText())) {
            throw new IllegalStateException("gateway " + subject.cli().cliName() + " request failed: " + result + "\n"
                    + subject.gateway().stderr());
        }
        return elapsed;
    }

    private static void report(List<Subject> subjects, int repetitions) throws IOException {
        System.out.printf(
                "Gateway overhead, %d interleaved repetitions per side after %d warm-up rounds, fake model API on loopback"
                        + " (load average at the end: %s)%n%n",
                repetitions, WARM_UP, loadAverage());
        System.out.println("| cli | bare median ms | via gateway median ms | overhead median ms (paired) |");
        System.out.println("|---|---|---|---|");
        for (Subject subject : subjects) {
            double bare = BenchStats.ofNanos(subject.bareNanos()).medianMs();
            if (subject.gateway() == null) {
                System.out.printf("| %s | %.1f | n/a | n/a |%n", subject.cli().cliName(), bare);
                continue;
            }
            List<Long> differences = new ArrayList<>();
            for (int i = 0; i < subject.bareNanos().size(); i++) {
                differences.add(
                        subject.gatewayNanos().get(i) - subject.bareNanos().get(i));
            }
            System.out.printf(
                    "| %s | %.1f | %.1f | %.1f |%n",
                    subject.cli().cliName(),
                    bare,
                    BenchStats.ofNanos(subject.gatewayNanos()).medianMs(),
                    BenchStats.ofNanos(differences).medianMs());
        }
    }

    /** The 1-minute load average: on a shared machine the spread between runs follows it. */
    private static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.isReadable(loadavg) ? Files.readString(loadavg).split(" ")[0] : "unknown";
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
