package io.llmgateway.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.grant.GrantFile;
import io.llmgateway.grant.GrantService;
import io.llmgateway.support.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grant add/list/revoke on the data directory: output, exit codes, and what the grants file keeps. */
class GrantCommandTest {
    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return new GrantCommand(new GrantService(new GrantFile(dataDir), clock), clock)
                .run(
                        List.of(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void addPrintsANewRandomTokenOnceAndStoresOnlyItsHash() throws Exception {
        assertEquals(0, run("add", "ci", "--json"));
        JsonNode added = Json.newMapper().readTree(out());
        assertEquals("ci", added.get("name").asText());
        String token = added.get("token").asText();
        assertTrue(token.startsWith("lgw_"), token);
        assertTrue(Base64.getUrlDecoder().decode(token.substring(4)).length >= 32, "at least 256 random bits");

        Path file = dataDir.resolve(GrantFile.FILE_NAME);
        String stored = Files.readString(file);
        assertFalse(stored.contains(token.substring(4)), "the token itself is never stored");
        assertTrue(stored.contains(GrantService.sha256Hex(token)), stored);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        assertEquals(0, run("add", "laptop"));
        assertTrue(out().contains("Authorization: Bearer lgw_"), out());
        assertFalse(out().contains(token), "every grant has its own token");
    }

    @Test
    void listShowsNamesAndExpiryButNoTokenAndRevokeRemoves() throws Exception {
        run("add", "ci", "--expires", "2");
        String token = out().lines()
                .filter(l -> l.trim().startsWith("lgw_"))
                .findFirst()
                .orElseThrow()
                .trim();
        run("add", "desk");
        assertEquals(0, run("list", "--json"));
        JsonNode list = Json.newMapper().readTree(out());
        assertEquals(2, list.get("grants").size());
        assertEquals(
                "2026-12-03T10:00:00Z",
                list.get("grants").get(0).get("expiresAt").asText());
        assertFalse(list.get("grants").get(0).get("expired").asBoolean());
        assertTrue(list.get("grants").get(1).get("expiresAt").isNull());
        assertFalse(out().contains(token));
        clock.advance(Duration.ofDays(2));
        assertEquals(0, run("list"));
        assertTrue(out().lines().anyMatch(l -> l.startsWith("ci ") && l.endsWith("expired")), out());

        assertEquals(0, run("revoke", "ci"));
        run("list", "--json");
        assertEquals(1, Json.newMapper().readTree(out()).get("grants").size());
        assertEquals(1, run("revoke", "ci"), "a grant that is not there");
        assertTrue(err().contains("no grant named 'ci'"), err());
    }

    @Test
    void badNamesDuplicatesAndUsageErrorsAreRefusedClearly() {
        run("add", "ci");
        assertEquals(1, run("add", "ci"));
        assertTrue(err().contains("already a grant named 'ci'"), err());
        assertEquals(1, run("add", "local"));
        assertTrue(err().contains("not 'local'"), err());
        assertEquals(1, run("add", "has space"));
        assertEquals(1, run("add", "x", "--expires", "0"));
        assertEquals(2, run("add", "x", "--expires", "soon"));
        assertEquals(2, run("add"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("list", "--verbose"));
        assertEquals(2, run("revoke", "ci", "extra"));
        assertTrue(err().contains("Usage: grant add NAME"), err());
    }
}
