package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.support.MutableClock;
import io.llmgateway.support.SpecialFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {
    private static final String DENY_ALL = "{\"version\":\"1\",\"default\":\"deny\"}";
    private static final String ALLOW_ALL = "{\"version\":\"1\",\"default\":\"allow\"}";
    /** Only a bound, so that a file that blocks the reader fails the test instead of hanging the suite. */
    private static final Duration HANG = Duration.ofSeconds(30);

    private static final String ONLY_REGULAR = "; a policy must be a regular file of at most 1 MiB";

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
        assertEquals(
                "policy " + policyPath() + ": default deny, 0 tools listed, 0 hidden, 0 limits, 0 argument rules",
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
        assertEquals(
                "policy.json line 1, column 47: tools.t.limts is not a known field; expected one of require,"
                        + " deny_if, limits, rate_limit, action, reason",
                status.rejectedEdit());
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
        assertEquals(
                new PolicyLocation(dataDir.resolve("policy.json"), false), PolicyLocation.resolve(Map.of(), dataDir));
        assertEquals(
                new PolicyLocation(dataDir.resolve("policy.json"), false),
                PolicyLocation.resolve(Map.of("LLM_GATEWAY_POLICY", " "), dataDir));
        assertEquals(
                new PolicyLocation(Path.of("/etc/gw/rules.json"), true),
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

    private InvalidPolicyException refusedAtStart() {
        return assertTimeoutPreemptively(HANG, () -> assertThrows(InvalidPolicyException.class, this::open));
    }

    @Test
    void aFifoAtStartIsRefusedWithoutWaitingForAWriter() throws Exception {
        SpecialFiles.fifo(policyPath());
        assertEquals(
                "policy.json is a FIFO (named pipe), not a regular file" + ONLY_REGULAR,
                refusedAtStart().getMessage());
    }

    @Test
    void aDeviceAtStartIsRefusedWithoutOpeningIt() throws Exception {
        SpecialFiles.swapInLink(policyPath(), Path.of("/dev/zero"));
        assertEquals(
                "policy.json is a character device, not a regular file" + ONLY_REGULAR,
                refusedAtStart().getMessage());
    }

    @Test
    void aFileOverOneMebibyteAtStartIsRefusedWithoutReadingIt() throws Exception {
        SpecialFiles.sparse(policyPath(), 3L << 30);
        assertEquals(
                "policy.json is 3221225472 bytes, over the limit of 1048576" + ONLY_REGULAR,
                refusedAtStart().getMessage());

        String padded = DENY_ALL + " ".repeat((1 << 20) - DENY_ALL.length());
        write(padded);
        assertFalse(open().current().allowUnlisted(), "exactly 1 MiB is allowed");
        write(padded + " ");
        assertEquals(
                "policy.json is 1048577 bytes, over the limit of 1048576" + ONLY_REGULAR,
                refusedAtStart().getMessage());
    }

    @Test
    void aFifoOrDeviceSwappedInAtReloadKeepsTheLastGoodPolicyAndSaysWhy() throws Exception {
        write(DENY_ALL);
        PolicyFile file = open();
        SpecialFiles.swapInFifo(policyPath());
        clock.advance(Duration.ofSeconds(1));
        assertTimeoutPreemptively(HANG, () -> assertFalse(file.current().allowUnlisted(), "the last good policy"));
        assertEquals(
                "policy.json is a FIFO (named pipe), not a regular file" + ONLY_REGULAR,
                file.status().rejectedEdit());
        assertTrue(file.status().loaded());

        SpecialFiles.swapInLink(policyPath(), Path.of("/dev/zero"));
        clock.advance(Duration.ofSeconds(1));
        assertTimeoutPreemptively(HANG, () -> assertFalse(file.current().allowUnlisted(), "the last good policy"));
        assertEquals(
                "policy.json is a character device, not a regular file" + ONLY_REGULAR,
                file.status().rejectedEdit());

        SpecialFiles.sparse(dir.resolve("huge"), 3L << 30);
        Files.move(dir.resolve("huge"), policyPath(), StandardCopyOption.ATOMIC_MOVE);
        clock.advance(Duration.ofSeconds(1));
        assertTimeoutPreemptively(HANG, () -> assertFalse(file.current().allowUnlisted(), "the last good policy"));
        assertEquals(
                "policy.json is 3221225472 bytes, over the limit of 1048576" + ONLY_REGULAR,
                file.status().rejectedEdit());

        write(ALLOW_ALL);
        clock.advance(Duration.ofSeconds(1));
        assertTrue(file.current().allowUnlisted(), "a regular file again is read as usual");
        assertNull(file.status().rejectedEdit());
    }

    @Test
    void callsDuringASlowReloadGoOnWithTheLastGoodPolicyInsteadOfWaiting() throws Exception {
        write(DENY_ALL);
        CountDownLatch reloadStarted = new CountDownLatch(1);
        CountDownLatch finishReload = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        PolicyParser parser = new PolicyParser();
        PolicyFile file = new PolicyFile(
                new PolicyLocation(policyPath(), false),
                path -> {
                    if (loads.incrementAndGet() == 2) {
                        reloadStarted.countDown();
                        awaitQuietly(finishReload);
                    }
                    return parser.parse(path);
                },
                clock,
                PolicyFile.DEFAULT_CHECK_INTERVAL);
        write(ALLOW_ALL);
        clock.advance(Duration.ofSeconds(1));
        Thread reloader = new Thread(file::current, "reloader");
        reloader.start();
        assertTrue(reloadStarted.await(30, TimeUnit.SECONDS));

        assertTimeoutPreemptively(HANG, () -> assertFalse(file.current().allowUnlisted(), "the last good policy"));
        finishReload.countDown();
        reloader.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(file.current().allowUnlisted(), "the reload took effect once done");
        assertEquals(2, loads.get(), "the other call did not read the file a second time");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
