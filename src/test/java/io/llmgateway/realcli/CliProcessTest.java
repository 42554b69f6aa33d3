package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process runner the real-CLI tests and the overhead benchmark rely on (uses /bin/sh as a stand-in CLI). */
class CliProcessTest {
    @TempDir
    Path root;

    @Test
    void feedsStdinCapturesBothStreamsAndPassesOnlyTheGivenEnvironment() {
        CliProcess.Outcome outcome = CliProcess.run(
                List.of("/bin/sh", "-c", "cat; echo \"$HOME:${JAVA_HOME:-unset}\"; echo oops >&2; exit 3"),
                Map.of("HOME", "/nowhere", "PATH", "/usr/bin:/bin"),
                root,
                "from stdin\n",
                Duration.ofSeconds(30),
                root.resolve("capture"));

        assertEquals(3, outcome.exitCode());
        assertEquals("from stdin\n/nowhere:unset\n", outcome.stdout());
        assertEquals("oops\n", outcome.stderr());
    }

    @Test
    void aTimeoutKillsTheWholeTreeAndFails() {
        Map<String, String> env = Map.of("HOME", root.resolve("home").toString(), "PATH", "/usr/bin:/bin");

        AssertionError timedOut = assertThrows(
                AssertionError.class,
                () -> CliProcess.run(
                        List.of("/bin/sh", "-c", "sleep 300 & sleep 300"),
                        env,
                        root,
                        "",
                        Duration.ofMillis(500),
                        root.resolve("capture")));

        assertTrue(timedOut.getMessage().startsWith("timed out after 500 ms"), timedOut.getMessage());
        assertEquals(List.of(), CliProcess.survivorsUnder(root), "the shell and its background child are gone");
    }
}
