package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.support.LockHolderMain;
import io.llmgateway.support.MutableClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent callers, in threads and in separate processes, never exceed a shared limit. */
class SharedCountersProcessTest {
    private static final Instant NOW = Instant.parse("2025-06-10T10:00:00Z");
    private static final String POLICY = """
            {"version":"1","default":"deny","tools":{"t":{"limits":[{"counter":"t_rate","window":"minute","max":1500}]}}}
            """;

    @TempDir
    Path dataDir;

    @Test
    void threadsOfTwoInstancesInOneJvmShareTheLimitExactly() throws Exception {
        Files.writeString(dataDir.resolve("policy.json"), POLICY);
        MutableClock clock = new MutableClock(NOW);
        List<PolicyEnforcer> enforcers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 2; i++) {
                PolicyFile policy = new PolicyFile(
                        new PolicyLocation(dataDir.resolve("policy.json"), false),
                        new PolicyParser(),
                        clock,
                        Duration.ZERO);
                enforcers.add(new PolicyEnforcer(policy, new PolicyCounters(dataDir), clock));
            }
            List<Future<Integer>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                PolicyEnforcer enforcer = enforcers.get(thread % 2);
                Callable<Integer> caller = () -> {
                    int allowed = 0;
                    for (int call = 0; call < 500; call++) {
                        if (enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL)
                                instanceof PolicyDecision.Allowed) {
                            allowed++;
                        }
                    }
                    return allowed;
                };
                results.add(pool.submit(caller));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(30, TimeUnit.SECONDS);
            }
            assertEquals(1500, total);
        } finally {
            pool.shutdownNow();
            enforcers.forEach(PolicyEnforcer::close);
        }
    }

    @Test
    void twoGatewayProcessesShareTheLimitExactly() throws Exception {
        Files.writeString(dataDir.resolve("policy.json"), POLICY);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                processes.add(new ProcessBuilder(
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                CounterContender.class.getName(),
                                dataDir.toString(),
                                "t",
                                "1000",
                                NOW.toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start());
            }
            List<BufferedReader> outputs = new ArrayList<>();
            for (Process process : processes) {
                BufferedReader output =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("ready", output.readLine());
                outputs.add(output);
            }
            for (Process process : processes) {
                process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
            }
            int total = 0;
            for (int i = 0; i < processes.size(); i++) {
                Process process = processes.get(i);
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "contender finished");
                assertEquals(0, process.exitValue());
                total += Integer.parseInt(outputs.get(i).readLine());
            }
            assertEquals(1500, total);
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void aProcessStuckHoldingTheCounterLockIsNamedAndCountingResumes() throws Exception {
        CounterSlot slot = new CounterSlot("stuck", 60, 0);
        Instant now = Instant.ofEpochSecond(30);
        try (PolicyCounters counters = new PolicyCounters(dataDir, Duration.ofMillis(300))) {
            assertEquals(List.of(), counters.reserve(Map.of(slot, 2L), now));
            Process holder = LockHolderMain.holding(dataDir.resolve(PolicyCounters.LOCK_FILE_NAME));
            try {
                GatewayException busy =
                        assertThrows(GatewayException.class, () -> counters.reserve(Map.of(slot, 2L), now));
                assertEquals(ErrorCode.STORE_UNAVAILABLE, busy.code());
                assertTrue(busy.getMessage().contains("process " + holder.pid()), busy.getMessage());
            } finally {
                holder.getOutputStream().close();
                assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
            }
            assertEquals(List.of(), counters.reserve(Map.of(slot, 2L), now), "the refused call was not counted");
            assertEquals(List.of(slot), counters.reserve(Map.of(slot, 2L), now));
        }
    }
}
