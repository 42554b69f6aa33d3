package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.core.Principal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an edited counter file can and cannot buy. */
class PolicyCountersTest {
    private static final Instant NOW = Instant.parse("2025-06-10T10:00:48Z");
    private static final CounterSlot FORGED = new Limit("forged", 60, 5, "/r").slotAt(NOW, Principal.LOCAL);
    private static final CounterSlot SPENT = new Limit("spent", 60, 5, "/r").slotAt(NOW, Principal.LOCAL);
    private static final CounterSlot HALF = new Limit("half", 60, 5, "/r").slotAt(NOW, Principal.LOCAL);

    @TempDir
    Path dataDir;

    private void writeCounters(String entries) throws IOException {
        Files.writeString(dataDir.resolve(PolicyCounters.FILE_NAME), "{\"version\":1,\"counters\":{" + entries + "}}");
    }

    private static String entry(CounterSlot slot, String value) {
        return "\"" + slot.key() + "\":" + value;
    }

    /** How many more calls of at most {@code max} per window {@code slot} admits now. */
    private static int callsLeft(PolicyCounters counters, CounterSlot slot, long max) {
        return callsLeft(counters, slot, max, NOW);
    }

    private static int callsLeft(PolicyCounters counters, CounterSlot slot, long max, Instant now) {
        int calls = 0;
        while (calls <= max && counters.reserve(Map.of(slot, max), now).isEmpty()) {
            calls++;
        }
        return calls;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-1000000",
                "-1",
                "1000000001",
                "99999999999999999999",
                "-99999999999999999999",
                "1e30",
                "2.5",
                "\"0\"",
                "\"lots\"",
                "null",
                "true",
                "{}",
                "[0]"
            })
    void aValueNoCountCanHaveIsDamagedAndCountsAsFullWithoutTouchingTheOthers(String forged) throws IOException {
        writeCounters(entry(SPENT, "5") + "," + entry(FORGED, forged) + "," + entry(HALF, "2"));
        try (PolicyCounters counters = new PolicyCounters(dataDir)) {
            assertEquals(List.of(FORGED), counters.reserve(Map.of(FORGED, 5L), NOW), "the damaged window is full");
            assertEquals(0, callsLeft(counters, SPENT, 5), "the other counts are kept, not reset");
            assertEquals(3, callsLeft(counters, HALF, 5));
        }
    }

    @Test
    void aDamagedCountStaysFullWhenTheFileIsRewrittenOrAQuotaIsGivenBackAndEndsWithItsWindow() throws IOException {
        writeCounters(entry(FORGED, "-1000000"));
        try (PolicyCounters counters = new PolicyCounters(dataDir)) {
            assertEquals(5, callsLeft(counters, HALF, 5), "the file is rewritten on each of these");
            counters.release(List.of(FORGED), NOW);
            assertEquals(0, callsLeft(counters, FORGED, 5));
        }
        try (PolicyCounters restarted = new PolicyCounters(dataDir)) {
            assertEquals(0, callsLeft(restarted, FORGED, 5), "still damaged for another process or after a restart");
            Instant nextMinute = NOW.plusSeconds(12);
            CounterSlot nextWindow = new Limit("forged", 60, 5, "/r").slotAt(nextMinute, Principal.LOCAL);
            assertEquals(5, callsLeft(restarted, nextWindow, 5, nextMinute), "the next window counts from zero");
        }
    }

    @Test
    void aKeyGivenTwiceCountsItsHighestValue() throws IOException {
        writeCounters(
                entry(SPENT, "5") + "," + entry(SPENT, "0") + "," + entry(FORGED, "-3") + "," + entry(FORGED, "1"));
        try (PolicyCounters counters = new PolicyCounters(dataDir)) {
            assertEquals(0, callsLeft(counters, SPENT, 5));
            assertEquals(0, callsLeft(counters, FORGED, 5), "a damaged occurrence makes the key damaged");
        }
    }
}
