package io.llmgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.StdioClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up benchmark (issues 6 and 15; not a test): the original TypeScript gateway 2.11.1 beside ours, spawned
 * interleaved in one run (the order rotates every round): ours with the entry {@code setup} writes (start-up
 * archive or AOT cache and flags) and with the README's flag entry (flags, no archive). For each spawn: spawn →
 * {@code initialize} response, and the first {@code tools/call} after it ({@code session_create}, a store write)
 * from request to response. Prints medians and the ratios to the original, then resident memory of our two.
 * Run with {@code scripts/bench.sh startup [rounds] [java] [original: "<node> <index.js>"]}.
 */
public final class StartupBenchmark {
    private static final Map<String, Object> INITIALIZE = Map.of(
            "protocolVersion",
            "2025-06-18",
            "capabilities",
            Map.of(),
            "clientInfo",
            Map.of("name", "bench", "version", "1"));

    /** A way to start a gateway: command, extra environment, and whether each spawn gets a fresh data directory. */
    private record Launch(String name, List<String> command, Map<String, String> env, boolean freshData) {}

    private record Sample(long initializeNanos, long firstCallNanos) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String java = args.length > 1 && !args[1].isBlank() ? args[1] : GatewayProcess.javaExecutable();
        List<String> original = args.length > 2 ? List.of(args[2].trim().split(" +")) : List.of();
        Path setupHome = Files.createTempDirectory("bench-setup");
        List<Launch> launches = new ArrayList<>();
        if (!original.isEmpty()) {
            launches.add(new Launch("original 2.11.1 (node)", original, Map.of(), true));
        }
        launches.add(setupLaunch(java, setupHome));
        List<String> flags = new ArrayList<>(List.of(java));
        flags.addAll(List.of(
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xms16m",
                "-Xmx1g",
                "-Xlog:disable",
                "-Xlog:all=warning:stderr",
                "-jar",
                GatewayProcess.jar().toString()));
        launches.add(new Launch("README flag entry", flags, Map.of(), true));

        Map<Launch, List<Sample>> samples = new LinkedHashMap<>();
        launches.forEach(launch -> samples.put(launch, new ArrayList<>()));
        for (Launch launch : launches) {
            spawn(launch); // warm-up: page cache, node's compile cache
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < launches.size(); i++) {
                Launch launch = launches.get((round + i) % launches.size());
                samples.get(launch).add(spawn(launch));
            }
        }
        System.out.println("java: " + javaVersion(java) + "; " + rounds + " interleaved rounds; load average "
                + Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.println();
        System.out.println("| launch | spawn → initialize, median ms | ratio | first tools/call, median ms | ratio |");
        System.out.println("|---|---|---|---|---|");
        Sample base = original.isEmpty() ? null : median(samples.get(launches.get(0)));
        for (Launch launch : launches) {
            Sample m = median(samples.get(launch));
            System.out.printf(
                    "| %s | %.0f | %s | %.1f | %s |%n",
                    launch.name(),
                    m.initializeNanos() / 1e6,
                    ratio(m.initializeNanos(), base == null ? 0 : base.initializeNanos()),
                    m.firstCallNanos() / 1e6,
                    ratio(m.firstCallNanos(), base == null ? 0 : base.firstCallNanos()));
        }
        System.out.println();
        System.out.println("| launch | resident memory after start (median of 5) |");
        System.out.println("|---|---|");
        for (Launch launch : launches.subList(original.isEmpty() ? 0 : 1, launches.size())) {
            System.out.println("| " + launch.name() + " | " + residentMb(launch) + " MB |");
        }
    }

    /** Runs setup (which prepares the archive) and takes the entry setup --print shows. */
    private static Launch setupLaunch(String java, Path dataDir) throws IOException, InterruptedException {
        run(List.of(java, "-jar", GatewayProcess.jar().toString(), "setup", "--client", "claude-code"), dataDir);
        String printed = run(
                List.of(java, "-jar", GatewayProcess.jar().toString(), "setup", "--print", "--client", "claude-code"),
                dataDir);
        JsonNode entry = Json.newMapper().readTree(printed);
        List<String> command = new ArrayList<>(List.of(entry.get("command").asText()));
        entry.get("args").forEach(arg -> command.add(arg.asText()));
        Map<String, String> env = new LinkedHashMap<>();
        entry.get("env")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return new Launch("`setup` entry", command, env, false);
    }

    private static String run(List<String> command, Path dataDir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("LLM_GATEWAY_HOME", dataDir.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed");
        }
        return out;
    }

    private static Sample spawn(Launch launch) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process process = start(launch);
        try (StdioClient client = new StdioClient(process.getOutputStream(), process.getInputStream())) {
            client.request("initialize", INITIALIZE);
            long initialized = System.nanoTime();
            client.notify("notifications/initialized");
            long calling = System.nanoTime();
            client.callTool("session_create", Map.of("cli", "claude"));
            return new Sample(initialized - started, System.nanoTime() - calling);
        } finally {
            stop(process);
        }
    }

    private static long residentMb(Launch launch) throws IOException, InterruptedException {
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Process process = start(launch);
            try (StdioClient client = new StdioClient(process.getOutputStream(), process.getInputStream())) {
                client.initialize();
                client.request("tools/list", Map.of());
                client.callTool("session_list", Map.of());
                Thread.sleep(1500);
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        values.add(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                    }
                }
            } finally {
                stop(process);
            }
        }
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /** Our gateways get LLM_GATEWAY_HOME, the original a HOME (it keeps its data in $HOME/.llm-cli-gateway). */
    private static Process start(Launch launch) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(launch.command()).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (launch.freshData()) {
            Path fresh = Files.createTempDirectory("bench-spawn");
            builder.environment().put("HOME", fresh.toString());
            builder.environment()
                    .put("LLM_GATEWAY_HOME", fresh.resolve(".llm-cli-gateway").toString());
        }
        builder.environment().putAll(launch.env());
        return builder.start();
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static Sample median(List<Sample> samples) {
        List<Long> init = samples.stream().map(Sample::initializeNanos).sorted().toList();
        List<Long> call = samples.stream().map(Sample::firstCallNanos).sorted().toList();
        return new Sample(init.get(init.size() / 2), call.get(call.size() / 2));
    }

    private static String ratio(long value, long base) {
        return base == 0 ? "" : String.format("%.2f×", (double) value / base);
    }

    private static String javaVersion(String java) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String first = new String(process.getInputStream().readAllBytes())
                .lines()
                .findFirst()
                .orElse("?");
        process.waitFor();
        return first.replace("\"", "");
    }
}
