package io.llmgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.StdioClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up benchmark of issue 6 (not a test): spawn → {@code initialize} response for a plain
 * {@code java -jar} and for the launch {@code setup} writes (start-up archive and flags), interleaved in
 * the same run, then resident memory after start for both. Run with {@code scripts/bench.sh startup
 * [spawns] [java]}; prints Markdown rows for docs/PERFORMANCE.md.
 */
public final class StartupBenchmark {
    private static final Map<String, Object> INITIALIZE = Map.of(
            "protocolVersion",
            "2025-06-18",
            "capabilities",
            Map.of(),
            "clientInfo",
            Map.of("name", "bench", "version", "1"));

    public static void main(String[] args) throws Exception {
        int spawns = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        String java = args.length > 1 ? args[1] : GatewayProcess.javaExecutable();
        Path setupHome = Files.createTempDirectory("bench-setup");
        List<String> setupLaunch = setupLaunch(java, setupHome);
        List<String> plainLaunch = List.of(java, "-jar", GatewayProcess.jar().toString());

        List<Long> plain = new ArrayList<>();
        List<Long> configured = new ArrayList<>();
        for (int i = 0; i < spawns; i++) {
            // Alternate which goes first so that neither always runs on a warmer page cache.
            if (i % 2 == 0) {
                plain.add(timeToInitialize(plainLaunch, Files.createTempDirectory("bench-plain")));
                configured.add(timeToInitialize(setupLaunch, setupHome));
            } else {
                configured.add(timeToInitialize(setupLaunch, setupHome));
                plain.add(timeToInitialize(plainLaunch, Files.createTempDirectory("bench-plain")));
            }
        }
        System.out.println("| launch (" + javaVersion(java) + ") | median ms | p90 ms | min ms | n |");
        System.out.println("|---|---|---|---|---|");
        System.out.println(row("plain `java -jar`", plain));
        System.out.println(row("`setup` configuration (archive + flags)", configured));
        System.out.println();
        System.out.println("| launch | resident memory after start (median of 5) |");
        System.out.println("|---|---|");
        System.out.println("| plain `java -jar` | " + residentMb(plainLaunch, null) + " MB |");
        System.out.println("| `setup` configuration | " + residentMb(setupLaunch, setupHome) + " MB |");
    }

    /** Runs setup (which trains the archive) and returns the command line it prints for Claude Code. */
    private static List<String> setupLaunch(String java, Path dataDir) throws IOException, InterruptedException {
        run(List.of(java, "-jar", GatewayProcess.jar().toString(), "setup", "--client", "claude-code"), dataDir);
        String printed = run(
                List.of(java, "-jar", GatewayProcess.jar().toString(), "setup", "--print", "--client", "claude-code"),
                dataDir);
        JsonNode entry = Json.newMapper().readTree(printed);
        List<String> command = new ArrayList<>(List.of(entry.get("command").asText()));
        entry.get("args").forEach(arg -> command.add(arg.asText()));
        return command;
    }

    private static String run(List<String> command, Path dataDir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("LLM_GATEWAY_HOME", dataDir.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed");
        }
        return out;
    }

    private static long timeToInitialize(List<String> command, Path dataDir) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process process = start(command, dataDir);
        try (StdioClient client = new StdioClient(process.getOutputStream(), process.getInputStream())) {
            client.request("initialize", INITIALIZE);
            return System.nanoTime() - started;
        } finally {
            stop(process);
        }
    }

    private static long residentMb(List<String> command, Path dataDir) throws IOException, InterruptedException {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Process process = start(command, dataDir != null ? dataDir : Files.createTempDirectory("bench-rss"));
            try (StdioClient client = new StdioClient(process.getOutputStream(), process.getInputStream())) {
                client.initialize();
                client.request("tools/list", Map.of());
                client.callTool("session_list", Map.of());
                Thread.sleep(1500);
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        samples.add(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                    }
                }
            } finally {
                stop(process);
            }
        }
        return samples.stream().sorted().toList().get(samples.size() / 2);
    }

    private static Process start(List<String> command, Path dataDir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LLM_GATEWAY_HOME", dataDir.toString());
        return builder.start();
    }

    private static void stop(Process process) throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static String row(String what, List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return String.format(
                "| %s | %.0f | %.0f | %.0f | %d |",
                what,
                sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1) / 1e6,
                sorted.get(0) / 1e6,
                sorted.size());
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
