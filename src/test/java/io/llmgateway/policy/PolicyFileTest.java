package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {
    private static final String DENY_ALL = "{\"version\":\"1\",\"default\":\"deny\"}";
    private static final String ALLOW_ALL = "{\"version\":\"1\",\"default\":\"allow\"}";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-10T10:00:00Z"));

    private Path policyPath() {
        return dir.resolve("policy.json");
    }

    private void write(String json) throws IOException {
        Path temporary = dir.resolve("policy.json.edit");
        Files.writeString(temporary, json);
        Files.move(temporary, policyPath(), StandardCopyOption.ATOMIC_MOVE);
    }

    private PolicyFile open() {
        return open(new PolicyLocation(policyPath(), false));
    }

    private PolicyFile open(PolicyLocation location) {
        return new PolicyFile(location, new PolicyParser(), clock, PolicyFile.DEFAULT_CHECK_INTERVAL);
    }

    @Test
    void noFileMeansEverythingAllowedAndSaysSo() {
        PolicyFile file = open();
        assertSame(Policy.ALLOW_ALL, file.current());
        PolicyStatus status = file.status();
        assertFalse(status.loaded());
        assertEquals("policy: no file at " + policyPath() + "; all tools are allowed", status.describe());
    }

    @Test
    void anInvalidFileAtStartIsAnError() throws IOException {
        write("{\"version\":\"1\",\"default\":\"maybe\"}");
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, this::open);
        assertEquals("policy.json line 1, column 16: default must be \"allow\" or \"deny\"", e.getMessage());
    }

    @Test
    void loadedStatusSummarisesThePolicy() throws IOException {
        write(DENY_ALL);
        PolicyStatus status = open().status();
        assertTrue(status.loaded());
        assertEquals("policy " + policyPath() + ": default deny, 0 tools listed, 0 hidden, 0 limits, 0 argument rules",
                status.describe());
    }

    @Test
    void editsAreCheckedAtMostOncePerInterval() throws IOException {
        write(DENY_ALL);
        PolicyFile file = open();
        write(ALLOW_ALL);
        clock.advance(Duration.ofMillis(499));
        assertFalse(file.current().allowUnlisted(), "not re-checked within the interval");
        clock.advance(Duration.ofMillis(1));
        assertTrue(file.current().allowUnlisted());
    }

    @Test
    void anInvalidEditKeepsTheLastGoodPolicyUntilFixed() throws IOException {
        write(DENY_ALL);
        PolicyFile file = open();
        write("{\"version\":\"1\",\"default\":\"deny\",\"tools\":{\"t\":{\"limts\":[]}}}");
        clock.advance(Duration.ofSeconds(1));
        assertFalse(file.current().allowUnlisted());
        assertTrue(file.current().tools().isEmpty());
        PolicyStatus status = file.status();
        assertTrue(status.loaded());
        assertEquals("policy.json line 1, column 47: tools.t.limts is not a known field; expected one of require,"
                + " deny_if, limits, rate_limit, action, reason", status.rejectedEdit());
        assertTrue(status.describe().contains("latest edit rejected"), status.describe());

        write(ALLOW_ALL);
        clock.advance(Duration.ofSeconds(1));
        assertTrue(file.current().allowUnlisted());
        assertNull(file.status().rejectedEdit());
    }

    @Test
    void aFileCreatedOrRemovedWhileRunningIsPickedUp() throws IOException {
        PolicyFile file = open();
        write(DENY_ALL);
        clock.advance(Duration.ofSeconds(1));
        assertFalse(file.current().allowUnlisted());
        Files.delete(policyPath());
        clock.advance(Duration.ofSeconds(1));
        assertSame(Policy.ALLOW_ALL, file.current());
        assertFalse(file.status().loaded());
    }

    @Test
    void locationComesFromTheEnvironmentOrTheDataDirectory() {
        Path dataDir = Path.of("/data/gw");
        assertEquals(new PolicyLocation(dataDir.resolve("policy.json"), false), PolicyLocation.resolve(Map.of(), dataDir));
        assertEquals(new PolicyLocation(dataDir.resolve("policy.json"), false),
                PolicyLocation.resolve(Map.of("LLM_GATEWAY_POLICY", " "), dataDir));
        assertEquals(new PolicyLocation(Path.of("/etc/gw/rules.json"), true),
                PolicyLocation.resolve(Map.of("LLM_GATEWAY_POLICY", "/etc/gw/../gw/rules.json"), dataDir));
    }

    @Test
    void aFileNamedByTheVariableMustExist() throws IOException {
        PolicyLocation required = new PolicyLocation(policyPath(), true);
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> open(required));
        assertEquals("policy.json: the policy file named by LLM_GATEWAY_POLICY does not exist", e.getMessage());

        write(DENY_ALL);
        PolicyFile file = open(required);
        Files.delete(policyPath());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(file.current().allowUnlisted(), "the last good policy stays in force");
        assertEquals(e.getMessage(), file.status().rejectedEdit());
    }
}
