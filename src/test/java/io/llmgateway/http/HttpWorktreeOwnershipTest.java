package io.llmgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GitRepos;
import io.llmgateway.support.HttpMcp;
import io.llmgateway.support.HttpTestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's worktree belongs to the grant that owns the session, with the real git over HTTP: another grant can
 * neither run in it, nor see it, nor remove it (its session is "not found"), and the owner still can.
 */
class HttpWorktreeOwnershipTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path repoDir;

    private HttpTestGateway gw;
    private HttpMcp alice;
    private HttpMcp bob;
    private Path repo;

    @BeforeEach
    void start() throws Exception {
        repo = GitRepos.init(repoDir);
        String aliceToken = HttpTestGateway.addGrant(dataDir, "alice", null, Clock.systemUTC());
        String bobToken = HttpTestGateway.addGrant(dataDir, "bob", null, Clock.systemUTC());
        gw = HttpTestGateway.start(dataDir, FakeClis.in(state).environment(), Clock.systemUTC());
        alice = new HttpMcp(gw.url(), aliceToken);
        alice.initialize();
        bob = new HttpMcp(gw.url(), bobToken);
        bob.initialize();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private static void assertSessionNotFound(JsonNode result) {
        assertFalse(result.get("success").asBoolean(), result.toString());
        assertEquals("session_not_found", result.get("errorCode").asText(), result.toString());
    }

    @Test
    void anotherGrantSeesNotFoundForASessionsWorktreeAndCannotRemoveIt() {
        JsonNode created =
                alice.call("claude_request", Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", true));
        String sessionId = created.get("sessionId").asText();
        Path worktree = Path.of(created.get("worktree").get("path").asText());
        assertTrue(Files.isDirectory(worktree), created.toString());

        assertSessionNotFound(bob.call("claude_request", Map.of("prompt", "p", "sessionId", sessionId)));
        assertSessionNotFound(
                bob.call("claude_request", Map.of("prompt", "p", "sessionId", sessionId, "worktree", true)));
        assertSessionNotFound(bob.call("session_get", Map.of("sessionId", sessionId)));
        assertSessionNotFound(bob.call("session_delete", Map.of("sessionId", sessionId)));
        JsonNode cleared = bob.call("session_clear_all", Map.of());
        assertEquals(0, cleared.get("deletedCount").asInt(), cleared.toString());
        assertFalse(cleared.has("worktrees"), "none of bob's sessions had a worktree: " + cleared);
        assertTrue(Files.isDirectory(worktree), "alice's worktree is still there");
        assertEquals(List.of(repo.toString(), worktree.toString()), GitRepos.worktrees(repo), "and nothing else");

        JsonNode again = alice.call("claude_request", Map.of("prompt", "p", "sessionId", sessionId));
        assertEquals(worktree.toString(), again.get("worktree").get("path").asText(), "alice still runs in it");
        JsonNode deleted = alice.call("session_delete", Map.of("sessionId", sessionId));
        assertEquals("removed", deleted.get("worktree").get("outcome").asText(), deleted.toString());
        assertEquals(List.of(repo.toString()), GitRepos.worktrees(repo));
    }
}
