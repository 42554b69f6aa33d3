package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A symbolic link planted in the data directory redirects nothing, through a real gateway process: for each
 * file or directory the gateway writes at the top of its data directory (and for the data directory itself),
 * a link to a file outside is planted before the gateway starts, the call that uses that path is made, and
 * the link's target must be untouched (or not created) while the reply, {@code session_list}'s warnings or
 * stderr name the link.
 */
class DataDirectoryLinksIT {
    private static final String POLICY = "{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"session_create\":"
            + "{\"limits\":[{\"counter\":\"creates\",\"window\":\"hour\",\"max\":100,\"scope\":\"grant\"}]}}}";
    /** A snapshot the gateway would accept, holding a session (used just now, so it is not expired) that must never show up. */
    private static final String PLANTED_SNAPSHOT = "{\"format\":1,\"generation\":0,\"active\":{},\"sessions\":[{\"id\":"
            + "\"gw-planted\",\"cli\":\"claude\",\"description\":\"planted\",\"createdAt\":\"" + Instant.now() + "\","
            + "\"lastUsedAt\":\"" + Instant.now() + "\",\"nativeSessionId\":null,\"metadata\":{}}]}\n";

    private static final String EMPTY_SNAPSHOT = "{\"format\":1,\"generation\":0,\"active\":{},\"sessions\":[]}\n";
    private static final String JOURNAL_HEADER = "{\"format\":1,\"generation\":0}\n";

    @TempDir
    Path root;

    /** What the link points at: existing content that must keep its bytes, or nothing (it must not appear). */
    enum Target {
        FILE,
        MISSING,
        DIRECTORY
    }

    /**
     * @param path     relative to the data directory; "" is the data directory itself
     * @param content  the target file's content (FILE), also what makes the gateway read it if it followed links
     * @param store    a valid snapshot and journal header written first, so the store appends instead of compacting
     * @param tool     the call that uses the path
     */
    record Planted(String path, Target target, String content, boolean store, String tool) {
        @Override
        public String toString() {
            return path.isEmpty() ? "the data directory" : path;
        }
    }

    static Stream<Planted> plantedLinks() {
        return Stream.of(
                new Planted("sessions.json", Target.FILE, PLANTED_SNAPSHOT, false, "session_create"),
                new Planted("sessions.json.tmp", Target.FILE, "precious\n", false, "session_create"),
                new Planted("sessions.journal.jsonl", Target.FILE, JOURNAL_HEADER, true, "session_create"),
                new Planted("sessions.journal.jsonl.tmp", Target.FILE, "precious\n", false, "session_create"),
                new Planted("sessions.lock", Target.MISSING, null, false, "session_create"),
                new Planted(
                        "policy-counters.json",
                        Target.FILE,
                        "{\"version\":1,\"counters\":{}}",
                        false,
                        "session_create"),
                new Planted("policy-counters.lock", Target.MISSING, null, false, "session_create"),
                new Planted("audit.jsonl", Target.FILE, "precious\n", false, "session_list"),
                new Planted("jobs", Target.DIRECTORY, null, false, "claude_request_async"),
                new Planted("", Target.DIRECTORY, null, false, "session_create"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plantedLinks")
    void aLinkRedirectsNothingAndIsNamed(Planted planted) throws Exception {
        Path dataDir = root.resolve("data");
        Files.createDirectory(dataDir);
        Path outside = root.resolve("outside");
        Files.createDirectory(outside);
        Path target = outside.resolve("target");
        Files.writeString(dataDir.resolve("policy.json"), POLICY);
        if (planted.store()) {
            Files.writeString(dataDir.resolve("sessions.json"), EMPTY_SNAPSHOT);
            Files.writeString(dataDir.resolve("sessions.journal.jsonl"), JOURNAL_HEADER);
        }
        Path home = dataDir;
        Path link;
        if (planted.path().isEmpty()) {
            // The data directory itself: LLM_GATEWAY_HOME names a link to a directory elsewhere.
            Files.move(dataDir.resolve("policy.json"), root.resolve("policy.json"));
            home = root.resolve("home-link");
            link = home;
        } else {
            link = dataDir.resolve(planted.path());
            Files.deleteIfExists(link);
        }
        switch (planted.target()) {
            case FILE -> Files.writeString(target, planted.content());
            case DIRECTORY -> Files.createDirectory(target);
            case MISSING -> {}
        }
        Files.createSymbolicLink(link, target);
        byte[] before = planted.target() == Target.FILE ? Files.readAllBytes(target) : null;

        FakeClis fakes = FakeClis.in(root.resolve("state"));
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put(
                "LLM_GATEWAY_POLICY",
                (planted.path().isEmpty() ? root : dataDir)
                        .resolve("policy.json")
                        .toString());
        String seen;
        try (GatewayProcess gw = GatewayProcess.start(home, env)) {
            gw.client.initialize();
            JsonNode reply = gw.client.callTool(
                    planted.tool(),
                    planted.tool().equals("session_create")
                            ? Map.of("cli", "claude", "description", "after the link")
                            : planted.tool().equals("claude_request_async") ? Map.of("prompt", "hello") : Map.of());
            JsonNode list = gw.client.callTool("session_list", Map.of());
            assertFalse(
                    list.path("structuredContent").path("sessions").toString().contains("gw-planted"),
                    "nothing is read through the link: " + list);
            assertFalse(gw.client.toolNames().isEmpty(), "the gateway keeps serving");
            seen = reply + "\n" + list + "\n" + gw.stderr();
        }

        switch (planted.target()) {
            case FILE -> assertArrayEquals(before, Files.readAllBytes(target), "the link's target keeps its bytes");
            case MISSING -> assertFalse(Files.exists(target), "nothing was created through the link");
            case DIRECTORY -> {
                try (Stream<Path> entries = Files.list(target)) {
                    assertEquals(List.of(), entries.toList(), "nothing was written into the linked directory");
                }
            }
        }
        assertTrue(
                seen.contains(link.toString()) && seen.contains("symbolic link"),
                "the reply, the warnings or the log name the link " + link + ":\n" + seen);
    }
}
