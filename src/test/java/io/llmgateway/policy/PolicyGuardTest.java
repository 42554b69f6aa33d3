package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyGuardTest {
    /** A stand-in for the tools layer's result type. */
    private record Result(boolean isError, String errorCode, String text, Map<String, Object> details) {
        Result(boolean isError, String errorCode, String text) {
            this(isError, errorCode, text, Map.of());
        }
    }

    private static final ToolCallAdapter<Result> ADAPTER = new ToolCallAdapter<>() {
        @Override
        public Result failed(GatewayException failure) {
            return new Result(true, failure.code().wireName(), failure.getMessage(), failure.details());
        }

        @Override
        public CallOutcome outcomeOf(Result result) {
            return result.isError() ? CallOutcome.error(result.errorCode()) : CallOutcome.OK;
        }
    };

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-10T10:00:48Z"));
    private final AtomicInteger invocations = new AtomicInteger();
    private PolicyGuard guard;

    @BeforeEach
    void open() throws IOException {
        Files.writeString(dataDir.resolve("policy.json"), """
                {"version":"1","default":"deny","hide":["session_delete"],
                 "tools":{"t":{"limits":[{"counter":"t_rate","window":"minute","max":1}]}}}
                """);
        guard = PolicyGuard.open(dataDir, Map.of(), clock);
    }

    @AfterEach
    void close() {
        guard.close();
    }

    private Result run(String tool, Result result) {
        Map<String, Object> arguments = Map.of("k", "v");
        return guard.call(tool, arguments, Principal.LOCAL, ADAPTER, GuardedCall.ofCanonical(arguments, () -> {
            invocations.incrementAndGet();
            clock.advance(Duration.ofMillis(250));
            return result;
        }));
    }

    private List<JsonNode> auditLines() throws IOException {
        return JsonLines.read(dataDir.resolve(AuditLog.FILE_NAME));
    }

    @Test
    void anErrorResultKeepsItsQuotaAndIsAuditedAsError() throws IOException {
        Result failure = new Result(true, "cli_error", "boom");
        assertSame(failure, run("t", failure));
        Result denied = run("t", new Result(false, null, "never"));
        assertEquals("rate_limited", denied.errorCode());
        assertEquals("[POLICY DENIED] t: limit 1 per minute reached; retry in 12 s", denied.text());
        assertEquals(Map.of("rule", "/tools/t/limits/t_rate", "retryAfterSeconds", 12L), denied.details());
        assertEquals(1, invocations.get(), "a denied call does not run");

        List<JsonNode> lines = auditLines();
        assertEquals("error", lines.get(0).get("outcome").asText());
        assertEquals("cli_error", lines.get(0).get("errorCode").asText());
        assertEquals(250, lines.get(0).get("durationMs").asLong());
        assertEquals("rate_limited", lines.get(1).get("outcome").asText());
        assertEquals("/tools/t/limits/t_rate", lines.get(1).get("rule").asText());
    }

    @Test
    void aThrowingCallGivesItsQuotaBackAndPropagates() throws IOException {
        IllegalStateException failure = new IllegalStateException("transport broke");
        assertSame(
                failure,
                assertThrows(
                        IllegalStateException.class,
                        () -> guard.call(
                                "t", Map.of(), Principal.LOCAL, ADAPTER, GuardedCall.ofCanonical(Map.of(), () -> {
                                    throw failure;
                                }))));
        Result ok = run("t", new Result(false, null, "fine"));
        assertFalse(ok.isError(), "the quota of the failed call was released");
        List<JsonNode> lines = auditLines();
        assertEquals("protocol_error", lines.get(0).get("outcome").asText());
        assertEquals("ok", lines.get(1).get("outcome").asText());
    }

    @Test
    void argumentsAreCanonicalisedAfterTheToolRulesAndBeforeAnyQuotaIsTaken() throws IOException {
        AtomicInteger canonicalised = new AtomicInteger();
        GuardedCall<Result> refused = new GuardedCall<>() {
            @Override
            public Canonical canonicalise() {
                canonicalised.incrementAndGet();
                throw GatewayException.invalidArgument("bad value");
            }

            @Override
            public Result run() {
                throw new AssertionError("a refused call never runs");
            }
        };
        assertEquals(
                "invalid_argument",
                guard.call("t", Map.of("k", "v"), Principal.LOCAL, ADAPTER, refused)
                        .errorCode());
        assertEquals(
                "policy_denied",
                guard.call("session_delete", Map.of(), Principal.LOCAL, ADAPTER, refused)
                        .errorCode());
        assertEquals(1, canonicalised.get(), "a hidden tool is denied before its arguments are looked at");
        assertFalse(run("t", new Result(false, null, "fine")).isError(), "the refused call took no quota");
        assertEquals(
                List.of("error", "denied", "ok"),
                auditLines().stream().map(line -> line.get("outcome").asText()).toList());
    }

    @Test
    void policyDenialsAreAuditedWithTheirRuleAndHiddenToolsAreUnlisted() throws IOException {
        Result denied = run("session_list", new Result(false, null, "never"));
        assertEquals("policy_denied", denied.errorCode());
        assertEquals(0, invocations.get());
        JsonNode line = auditLines().get(0);
        assertEquals("denied", line.get("outcome").asText());
        assertEquals("/default", line.get("rule").asText());
        assertFalse(guard.isListed("session_delete"));
        assertTrue(guard.isListed("t"));
        assertTrue(guard.status().loaded());
    }

    @Test
    void countersThatCannotBeUpdatedRefuseTheCall() throws IOException {
        Files.createDirectory(dataDir.resolve(PolicyCounters.FILE_NAME));
        Result refused = run("t", new Result(false, null, "never"));
        assertEquals("store_unavailable", refused.errorCode());
        assertTrue(
                refused.text().startsWith("The policy counters in " + dataDir + " cannot be updated"), refused.text());
        assertEquals(0, invocations.get());
        JsonNode line = auditLines().get(0);
        assertEquals("error", line.get("outcome").asText());
        assertEquals("store_unavailable", line.get("errorCode").asText());
    }
}
