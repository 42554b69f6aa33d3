package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.Principal;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyEnforcerTest {
    /** 48 s into a minute: a minute limit reached now frees in 12 s. */
    private static final Instant START = Instant.parse("2025-06-10T10:00:48Z");

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(START);
    private final List<PolicyEnforcer> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(PolicyEnforcer::close);
    }

    private void writePolicy(String json) throws IOException {
        // Replace atomically, as editors do, so each version has its own inode for the reload check.
        Path temporary = dataDir.resolve("policy.json.edit");
        Files.writeString(temporary, json);
        Files.move(temporary, dataDir.resolve("policy.json"), StandardCopyOption.ATOMIC_MOVE);
    }

    private PolicyEnforcer enforcer() {
        PolicyFile file = new PolicyFile(
                new PolicyLocation(dataDir.resolve("policy.json"), false), new PolicyParser(), clock, Duration.ZERO);
        PolicyEnforcer enforcer = new PolicyEnforcer(file, new PolicyCounters(dataDir), clock);
        opened.add(enforcer);
        return enforcer;
    }

    private PolicyEnforcer enforcer(String policyJson) throws IOException {
        writePolicy(policyJson);
        return enforcer();
    }

    private static String limitPolicy(String tool, String counter, int max) {
        return "{\"version\":\"1\",\"default\":\"deny\",\"tools\":{\"" + tool + "\":{\"limits\":[{\"counter\":\""
                + counter + "\",\"window\":\"minute\",\"max\":" + max + ",\"scope\":\"grant\"}]}}}";
    }

    private static PolicyDecision.Denied denied(PolicyDecision decision) {
        return assertInstanceOf(PolicyDecision.Denied.class, decision);
    }

    private static Reservation allowed(PolicyDecision decision) {
        return assertInstanceOf(PolicyDecision.Allowed.class, decision).reservation();
    }

    @Test
    void noPolicyFileAllowsEverythingWithoutCounting() {
        PolicyEnforcer enforcer = enforcer();
        assertEquals(
                Reservation.NONE,
                allowed(enforcer.admit("session_clear_all", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL)));
        assertFalse(enforcer.isHidden("session_clear_all"));
        assertFalse(enforcer.status().loaded());
        assertFalse(Files.exists(dataDir.resolve(PolicyCounters.FILE_NAME)));
    }

    @Test
    void hiddenToolsAreDeniedBeforeAnythingElse() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"allow","hide":["session_delete"],"tools":{"session_delete":{}}}
                """);
        PolicyDecision.Denied denial = denied(
                enforcer.admit("session_delete", Map.of("sessionId", "gw-1"), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals(ErrorCode.POLICY_DENIED, denial.code());
        assertEquals("/hide", denial.rule());
        assertEquals("[POLICY DENIED] session_delete: the tool is hidden by the policy", denial.message());
        assertNull(denial.retryAfterSeconds());
        assertTrue(enforcer.isHidden("session_delete"));
        assertFalse(enforcer.isHidden("session_get"));
    }

    @Test
    void defaultDenyAllowsOnlyListedTools() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"deny","tools":{"session_get":{}}}
                """);
        allowed(enforcer.admit("session_get", Map.of("sessionId", "gw-1"), ArgumentIdentity.AS_IS, Principal.LOCAL));
        PolicyDecision.Denied denial =
                denied(enforcer.admit("session_list", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals("/default", denial.rule());
        assertEquals(ErrorCode.POLICY_DENIED, denial.code());
        assertEquals(
                "[POLICY DENIED] session_list: the tool is not listed in the policy and the default is deny",
                denial.message());
    }

    @Test
    void defaultAllowAllowsUnlistedTools() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"allow","tools":{"session_delete":{"action":"deny"}}}
                """);
        allowed(enforcer.admit("session_list", null, ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals(
                "/tools/session_delete/action",
                denied(enforcer.admit("session_delete", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL))
                        .rule());
    }

    @Test
    void actionAliasesDenyWithReasonOrApprovalMessage() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"allow","tools":{
                  "session_clear_all":{"action":"deny","reason":"clearing every session is disabled here"},
                  "llm_job_cancel":{"action":"require_approval"}}}
                """);
        assertEquals(
                "[POLICY DENIED] session_clear_all: clearing every session is disabled here",
                denied(enforcer.admit("session_clear_all", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL))
                        .message());
        PolicyDecision.Denied approval = denied(
                enforcer.admit("llm_job_cancel", Map.of("jobId", "j1"), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals(ErrorCode.POLICY_DENIED, approval.code());
        assertEquals("/tools/llm_job_cancel/action", approval.rule());
        assertNull(approval.retryAfterSeconds());
        assertEquals(
                "[POLICY DENIED] llm_job_cancel: the policy requires approval for this tool, and the gateway has"
                        + " no approval channel over stdio; an operator must allow it in the policy",
                approval.message());
    }

    @Test
    void requireAndDenyIfNameTheirRuleAndNeverEchoArgumentValues() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"deny","tools":{"claude_request":{
                  "require":[{"path":"args.workingDir","op":"regex","value":"^/home/"}],
                  "deny_if":[{"path":"args.model","op":"in","value":["opus"]},
                             {"path":"args.prompt","op":"contains","value":"rm -rf","reason":"destructive prompt"}]}}}
                """);
        allowed(enforcer.admit(
                "claude_request",
                Map.of("workingDir", "/home/a", "model", "sonnet", "prompt", "hi"),
                ArgumentIdentity.AS_IS,
                Principal.LOCAL));

        PolicyDecision.Denied required = denied(enforcer.admit(
                "claude_request",
                Map.of("workingDir", "/etc/sk-live-abc123"),
                ArgumentIdentity.AS_IS,
                Principal.LOCAL));
        assertEquals("/tools/claude_request/require/0", required.rule());
        assertEquals(
                "[POLICY DENIED] claude_request: the policy requires args.workingDir regex \"^/home/\"",
                required.message());

        PolicyDecision.Denied byModel = denied(enforcer.admit(
                "claude_request",
                Map.of("workingDir", "/home/a", "model", "opus"),
                ArgumentIdentity.AS_IS,
                Principal.LOCAL));
        assertEquals("/tools/claude_request/deny_if/0", byModel.rule());
        assertEquals(
                "[POLICY DENIED] claude_request: the policy denies calls where args.model in [\"opus\"]",
                byModel.message());

        PolicyDecision.Denied byPrompt = denied(enforcer.admit(
                "claude_request",
                Map.of("workingDir", "/home/a", "prompt", "please rm -rf /"),
                ArgumentIdentity.AS_IS,
                Principal.LOCAL));
        assertEquals("/tools/claude_request/deny_if/1", byPrompt.rule());
        assertEquals("[POLICY DENIED] claude_request: destructive prompt", byPrompt.message());
    }

    @Test
    void limitOfThreePerMinuteAllowsExactlyThreeThenTellsWhenToRetry() throws IOException {
        PolicyEnforcer enforcer = enforcer(limitPolicy("session_set_active", "session_set_active_rate", 3));
        for (int i = 0; i < 3; i++) {
            allowed(enforcer.admit(
                    "session_set_active", Map.of("cli", "claude"), ArgumentIdentity.AS_IS, Principal.LOCAL));
        }
        PolicyDecision.Denied denial = denied(
                enforcer.admit("session_set_active", Map.of("cli", "claude"), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals(ErrorCode.RATE_LIMITED, denial.code());
        assertEquals("/tools/session_set_active/limits/session_set_active_rate", denial.rule());
        assertEquals("[POLICY DENIED] session_set_active: limit 3 per minute reached; retry in 12 s", denial.message());
        assertEquals(12L, denial.retryAfterSeconds());
        assertEquals(Map.of("rule", denial.rule(), "retryAfterSeconds", 12L), denial.details());

        clock.advance(Duration.ofMillis(11_500));
        assertEquals(
                1L,
                denied(enforcer.admit("session_set_active", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL))
                        .retryAfterSeconds(),
                "rounded up");
    }

    @Test
    void aNewUtcWindowStartsFromZero() throws IOException {
        PolicyEnforcer enforcer = enforcer(limitPolicy("t", "t_rate", 3));
        for (int i = 0; i < 3; i++) {
            allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        }
        clock.set(Instant.parse("2025-06-10T10:00:59.999Z"));
        denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        clock.set(Instant.parse("2025-06-10T10:01:00Z"));
        for (int i = 0; i < 3; i++) {
            allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        }
        assertEquals(
                60L,
                denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL))
                        .retryAfterSeconds());
    }

    @Test
    void hourDayAndArbitraryWindowsAlignToTheEpoch() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"deny","tools":{
                  "h":{"limits":[{"counter":"h","window":"hour","max":1}]},
                  "d":{"limits":[{"counter":"d","window":"day","max":1}]},
                  "s":{"rate_limit":{"max":1,"window":10}}}}
                """);
        for (String tool : List.of("h", "d", "s")) {
            allowed(enforcer.admit(tool, Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        }
        PolicyDecision.Denied hour = denied(enforcer.admit("h", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals(59 * 60 + 12L, hour.retryAfterSeconds());
        assertEquals("[POLICY DENIED] h: limit 1 per hour reached; retry in 3552 s", hour.message());
        assertEquals(
                14 * 3600 - 48L,
                denied(enforcer.admit("d", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL))
                        .retryAfterSeconds());
        PolicyDecision.Denied tenSeconds =
                denied(enforcer.admit("s", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals("/tools/s/rate_limit", tenSeconds.rule());
        assertEquals("[POLICY DENIED] s: limit 1 per 10 s reached; retry in 2 s", tenSeconds.message());
        clock.advance(Duration.ofSeconds(2));
        allowed(enforcer.admit("s", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
    }

    @Test
    void reservationIsAtomicAcrossCounters() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"deny",
                 "all_tools":{"limits":[{"counter":"all","window":"minute","max":2}]},
                 "tools":{"x":{"limits":[{"counter":"x_rate","window":"minute","max":1}]},"y":{}}}
                """);
        assertEquals(
                2,
                allowed(enforcer.admit("x", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL))
                        .slots()
                        .size());
        PolicyDecision.Denied denial = denied(enforcer.admit("x", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals("/tools/x/limits/x_rate", denial.rule());
        // The denied call must not have consumed the all_tools quota: one call remains for y.
        allowed(enforcer.admit("y", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        PolicyDecision.Denied all = denied(enforcer.admit("y", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals("/all_tools/limits/all", all.rule());
        assertEquals("[POLICY DENIED] y: limit 2 per minute reached; retry in 12 s", all.message());
    }

    @Test
    void whenSeveralCountersAreFullTheOneFreeingLastIsReported() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"deny","tools":{"x":{"limits":[
                  {"counter":"per_minute","window":"minute","max":1},
                  {"counter":"per_hour","window":"hour","max":1}]}}}
                """);
        allowed(enforcer.admit("x", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        PolicyDecision.Denied denial = denied(enforcer.admit("x", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        assertEquals("/tools/x/limits/per_hour", denial.rule());
        assertEquals(3552L, denial.retryAfterSeconds());
    }

    @Test
    void toolsNamingTheSameCounterShareItsQuota() throws IOException {
        PolicyEnforcer enforcer = enforcer("""
                {"version":"1","default":"deny","tools":{
                  "claude_request":{"limits":[{"counter":"claude_runs","window":"minute","max":2}]},
                  "claude_request_async":{"limits":[{"counter":"claude_runs","window":"minute","max":2}]}}}
                """);
        allowed(enforcer.admit("claude_request", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        allowed(enforcer.admit("claude_request_async", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(enforcer.admit("claude_request", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(enforcer.admit("claude_request_async", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
    }

    @Test
    void releaseGivesQuotaBackOnce() throws IOException {
        PolicyEnforcer enforcer = enforcer(limitPolicy("t", "t_rate", 2));
        Reservation first = allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        first.release();
        first.release();
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
    }

    @Test
    void releasingAfterTheWindowClosedDoesNotTouchTheNewWindow() throws IOException {
        PolicyEnforcer enforcer = enforcer(limitPolicy("t", "t_rate", 1));
        Reservation old = allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        clock.advance(Duration.ofSeconds(12));
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        old.release();
        denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
    }

    @Test
    void twoInstancesOnOneDirectoryShareALimit() throws IOException {
        writePolicy(limitPolicy("t", "t_rate", 3));
        PolicyEnforcer first = enforcer();
        PolicyEnforcer second = enforcer();
        allowed(first.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        allowed(second.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        allowed(first.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(second.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(first.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
    }

    @Test
    void countersSurviveARestart() throws IOException {
        PolicyEnforcer before = enforcer(limitPolicy("t", "t_rate", 2));
        allowed(before.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        allowed(before.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        before.close();
        opened.remove(before);

        PolicyEnforcer after = enforcer();
        assertEquals(
                12L,
                denied(after.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL))
                        .retryAfterSeconds());
        Path counters = dataDir.resolve(PolicyCounters.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(counters)));
        assertTrue(Files.exists(dataDir.resolve(PolicyCounters.LOCK_FILE_NAME)));
    }

    @Test
    void expiredWindowsArePrunedFromTheCounterFile() throws IOException {
        PolicyEnforcer enforcer = enforcer(limitPolicy("t", "t_rate", 5));
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        clock.advance(Duration.ofMinutes(1));
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        String content = Files.readString(dataDir.resolve(PolicyCounters.FILE_NAME));
        assertEquals(
                "{\"version\":1,\"counters\":{\"t_rate@local/60/" + (START.getEpochSecond() - 48 + 60) + "\":1}}",
                content);
    }

    @Test
    void reloadAppliesEditsAndKeepsCounters() throws IOException {
        PolicyEnforcer enforcer = enforcer(limitPolicy("t", "t_rate", 3));
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));

        writePolicy(limitPolicy("t", "t_rate", 2));
        denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));

        writePolicy(limitPolicy("t", "t_rate", 4));
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));

        writePolicy("{\"version\":\"1\",\"default\":\"deny\",\"tools\":{}}");
        assertEquals(
                "/default",
                denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL))
                        .rule());
    }

    @Test
    void aCorruptCounterFileRestartsCountingInsteadOfFailingCalls() throws IOException {
        PolicyEnforcer enforcer = enforcer(limitPolicy("t", "t_rate", 1));
        Files.writeString(dataDir.resolve(PolicyCounters.FILE_NAME), "{\"version\":1,\"counters\":{\"t_rate@local/60/");
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
    }

    @Test
    void bytesLeftPastTheEndOfTheCounterObjectAreIgnored() throws IOException {
        PolicyEnforcer enforcer = enforcer(limitPolicy("t", "t_rate", 2));
        long windowStart = START.getEpochSecond() - 48;
        // What a crash between the in-place write and the truncate leaves: a new, shorter object
        // followed by the tail of the older, longer one.
        Files.writeString(
                dataDir.resolve(PolicyCounters.FILE_NAME),
                "{\"version\":1,\"counters\":{\"t_rate@local/60/" + windowStart + "\":1}}" + "0/" + windowStart
                        + "\":1}}");
        allowed(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
        denied(enforcer.admit("t", Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL));
    }
}
