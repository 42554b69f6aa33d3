package io.llmgateway.policy;

import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Not a test: measures the per-call overhead the policy layer adds (admit + audit, and each part)
 * with a 50-tool policy on a real data directory. Run with {@code scripts/bench.sh policy [dir]}.
 */
public final class PolicyOverheadBenchmark {
    private static final int WARMUP = 5_000;
    private static final int MEASURED = 20_000;

    private PolicyOverheadBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path dataDir =
                args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("policy-bench");
        Files.writeString(dataDir.resolve("policy.json"), fiftyToolPolicy());
        Map<String, Object> arguments = Map.of(
                "prompt",
                "Summarise the repository layout in five bullet points.",
                "workingDir",
                "/home/dev/project",
                "model",
                "sonnet",
                "timeoutMs",
                120_000);
        Clock clock = Clock.systemUTC();
        ToolCallAdapter<String> adapter = new ToolCallAdapter<>() {
            @Override
            public String failed(GatewayException failure) {
                throw new IllegalStateException("benchmark call refused: " + failure.getMessage());
            }

            @Override
            public CallOutcome outcomeOf(String result) {
                return CallOutcome.OK;
            }
        };
        try (PolicyGuard guard = PolicyGuard.open(dataDir, Map.of(), clock);
                PolicyEnforcer enforcer = new PolicyEnforcer(
                        new PolicyFile(
                                new PolicyLocation(dataDir.resolve("policy.json"), false),
                                new PolicyParser(),
                                clock,
                                PolicyFile.DEFAULT_CHECK_INTERVAL),
                        new PolicyCounters(dataDir),
                        clock);
                AuditLog audit = new AuditLog(
                        Files.createDirectories(dataDir.resolve("audit-only")),
                        AuditLog.DEFAULT_MAX_BYTES,
                        AuditLog.DEFAULT_KEEP)) {
            System.out.println("data directory: " + dataDir + " ("
                    + Files.getFileStore(dataDir).type() + ")");
            System.out.println(guard.status().describe());
            for (int i = 0; i < 50; i++) {
                // Every tool's counter in the file, as after a busy minute: the file is parsed and written whole.
                guard.call(
                        "tool_" + i,
                        arguments,
                        Principal.LOCAL,
                        adapter,
                        GuardedCall.ofCanonical(arguments, () -> "result"));
            }
            System.out.println("counter file: " + Files.size(dataDir.resolve(PolicyCounters.FILE_NAME)) + " bytes");
            report("guard.call, tool with limits + 2 predicates", () -> {
                guard.call(
                        "tool_25",
                        arguments,
                        Principal.LOCAL,
                        adapter,
                        GuardedCall.ofCanonical(arguments, () -> "result"));
                return null;
            });
            report("guard.call, tool with {} (all_tools counter)", () -> {
                guard.call(
                        "session_get",
                        Map.of("sessionId", "gw-1"),
                        Principal.LOCAL,
                        adapter,
                        GuardedCall.ofCanonical(Map.of("sessionId", "gw-1"), () -> "result"));
                return null;
            });
            report(
                    "enforcer.admit only, tool with limits",
                    () -> enforcer.admit("tool_25", arguments, ArgumentIdentity.AS_IS, Principal.LOCAL));
            report("audit.record only", () -> {
                audit.record(
                        clock.instant(), "tool_25", null, Principal.LOCAL, arguments, AuditOutcome.OK, null, null, 1);
                return null;
            });
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    private static void report(String label, Supplier<?> call) {
        for (int i = 0; i < WARMUP; i++) {
            call.get();
        }
        long[] nanos = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long start = System.nanoTime();
            call.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(
                "%-48s median %6.1f us  p90 %6.1f us  p99 %7.1f us  (%d calls)%n",
                label,
                nanos[MEASURED / 2] / 1e3,
                nanos[MEASURED * 9 / 10] / 1e3,
                nanos[MEASURED * 99 / 100] / 1e3,
                MEASURED);
    }

    /** 50 tools, each with a limit and two argument rules, plus an all_tools limit and {} tools. */
    private static String fiftyToolPolicy() {
        StringBuilder tools = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            tools.append("\"tool_")
                    .append(i)
                    .append("\":{")
                    .append("\"require\":[{\"path\":\"args.workingDir\",\"op\":\"regex\",\"value\":\"^/home/\"}],")
                    .append("\"deny_if\":[{\"path\":\"args.model\",\"op\":\"in\",\"value\":[\"opus\",\"o3-pro\"]}],")
                    .append("\"limits\":[{\"counter\":\"tool_")
                    .append(i)
                    .append("_rate\",\"window\":\"minute\",\"max\":1000000000,\"scope\":\"grant\"}]},");
        }
        for (String open : List.of("session_get", "session_list")) {
            tools.append('"').append(open).append("\":{},");
        }
        tools.setLength(tools.length() - 1);
        return "{\"version\":\"1\",\"default\":\"deny\",\"hide\":[\"session_delete\"],"
                + "\"all_tools\":{\"limits\":[{\"counter\":\"all_hourly\",\"window\":\"hour\",\"max\":1000000000}]},"
                + "\"tools\":{" + tools + "}}";
    }
}
