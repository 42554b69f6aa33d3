package io.llmgateway.tools;

import static io.llmgateway.tools.PolicyProtocolTest.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GitRepos;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worktree: true | {name, ref}} with the real git, through the real stdio transport with the fake CLIs: a
 * gateway-owned worktree per session, created under the data directory, reused by the session, removed by
 * session_delete only when it holds no uncommitted work.
 */
class WorktreeProtocolTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path repoDir;

    @TempDir
    Path plain;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private FakeClis fakes;
    private InProcessGateway gw;
    private Path repo;

    @BeforeEach
    void start() {
        repo = GitRepos.init(repoDir);
        fakes = FakeClis.in(state);
    }

    private void startGateway(Map<String, String> gatewayEnv) {
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.putAll(gatewayEnv);
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, env), new JsonFileSessionStore(dataDir, clock), clock, gatewayEnv);
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private JsonNode call(String tool, Map<String, ?> args) {
        return gw.client.callTool(tool, args);
    }

    private static JsonNode ok(JsonNode result) {
        assertFalse(result.get("isError").asBoolean(), result.toString());
        return result.get("structuredContent");
    }

    @Test
    void aWorktreeRequestRunsInANewWorktreeNamedByItsSessionUnderTheDataDirectory() throws IOException {
        startGateway(Map.of());
        JsonNode result =
                call("claude_request", Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", true));
        JsonNode content = ok(result);
        String sessionId = content.get("sessionId").asText();
        Path worktree = dataDir.toRealPath().resolve("worktrees").resolve(sessionId);
        assertEquals(worktree.toString(), content.get("worktree").get("path").asText());
        assertEquals(
                "gateway/" + sessionId, content.get("worktree").get("branch").asText());
        assertTrue(content.get("worktree").get("created").asBoolean());
        assertTrue(
                result.get("content").get(0).get("text").asText().startsWith("[gateway] worktree=" + worktree + "\n"),
                "the original's reply prefix");
        assertEquals(worktree, fakes.lastWorkingDir(ProviderId.CLAUDE), "the CLI ran in the worktree");
        assertTrue(Files.exists(worktree.resolve("README.md")), "a checkout of the repository");
        assertTrue(
                GitRepos.worktrees(repo).contains(worktree.toString()),
                GitRepos.worktrees(repo).toString());
        assertTrue(GitRepos.hasBranch(repo, "gateway/" + sessionId));

        JsonNode metadata = ok(call("session_get", Map.of("sessionId", sessionId)))
                .get("session")
                .get("metadata");
        assertEquals(worktree.toString(), metadata.get("worktreePath").asText(), "recorded on the session");
        assertEquals(sessionId, metadata.get("worktreeName").asText());
    }

    @Test
    void laterRequestsOfTheSessionReuseItsWorktree() {
        startGateway(Map.of());
        JsonNode first =
                ok(call("claude_request", Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", true)));
        String sessionId = first.get("sessionId").asText();
        String path = first.get("worktree").get("path").asText();

        JsonNode again = ok(call("claude_request", Map.of("prompt", "p", "sessionId", sessionId, "worktree", true)));
        assertEquals(path, again.get("worktree").get("path").asText());
        assertFalse(again.get("worktree").get("created").asBoolean());
        assertTrue(again.get("resumed").asBoolean(), "the same conversation, in the same directory");

        JsonNode plainAgain = ok(call("claude_request", Map.of("prompt", "p", "sessionId", sessionId)));
        assertEquals(path, plainAgain.get("worktree").get("path").asText(), "a session stays in its worktree");
        assertEquals(Path.of(path), fakes.lastWorkingDir(ProviderId.CLAUDE));

        JsonNode job =
                ok(call("claude_request_async", Map.of("prompt", "p", "sessionId", sessionId, "worktree", true)));
        assertEquals(path, job.get("worktreePath").asText());
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ok(call(
                                "llm_job_status",
                                Map.of("jobId", job.get("jobId").asText())))
                        .get("status")
                        .asText()
                        .equals("completed"));
        assertEquals(Path.of(path), fakes.lastWorkingDir(ProviderId.CLAUDE), "the job ran in the worktree too");
        assertEquals(List.of(repo.toString(), path), GitRepos.worktrees(repo), "one worktree for the session");
    }

    @Test
    void deletingTheSessionRemovesACleanWorktreeAndItsBranch() {
        startGateway(Map.of());
        JsonNode created =
                ok(call("claude_request", Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", true)));
        String sessionId = created.get("sessionId").asText();
        Path path = Path.of(created.get("worktree").get("path").asText());

        JsonNode deleted = ok(call("session_delete", Map.of("sessionId", sessionId)));
        JsonNode worktree = deleted.get("worktree");
        assertEquals("removed", worktree.get("outcome").asText(), deleted.toString());
        assertTrue(worktree.get("removed").asBoolean());
        assertTrue(worktree.get("branchDeleted").asBoolean());
        assertFalse(Files.exists(path));
        assertEquals(List.of(repo.toString()), GitRepos.worktrees(repo));
        assertFalse(GitRepos.hasBranch(repo, "gateway/" + sessionId));
    }

    @Test
    void deletingTheSessionKeepsAWorktreeWithUncommittedWorkAndReportsIt() throws IOException {
        startGateway(Map.of());
        JsonNode created = ok(call(
                "claude_request", Map.of("prompt", "FAKE_WRITE", "workingDir", repo.toString(), "worktree", true)));
        String sessionId = created.get("sessionId").asText();
        Path path = Path.of(created.get("worktree").get("path").asText());
        Files.writeString(path.resolve("README.md"), "changed by the agent\n");

        JsonNode deleted = ok(call("session_delete", Map.of("sessionId", sessionId)));
        JsonNode worktree = deleted.get("worktree");
        assertEquals("kept", worktree.get("outcome").asText(), deleted.toString());
        assertFalse(worktree.get("removed").asBoolean());
        assertTrue(
                worktree.get("reason").asText().contains("uncommitted work (2 changed or untracked paths)"),
                worktree.toString());
        assertEquals("changed by the agent\n", Files.readString(path.resolve("README.md")), "nothing was lost");
        assertTrue(GitRepos.worktrees(repo).contains(path.toString()));
        assertTrue(GitRepos.hasBranch(repo, "gateway/" + sessionId));
        assertTrue(
                call("session_get", Map.of("sessionId", sessionId))
                        .get("isError")
                        .asBoolean(),
                "the session is gone");
    }

    @Test
    void committedWorkKeepsItsBranchWhenTheWorktreeIsRemoved() {
        startGateway(Map.of());
        JsonNode created =
                ok(call("codex_request", Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", true)));
        String sessionId = created.get("sessionId").asText();
        Path path = Path.of(created.get("worktree").get("path").asText());
        String commit = GitRepos.commit(path, "feature.txt", "done\n");

        JsonNode worktree =
                ok(call("session_delete", Map.of("sessionId", sessionId))).get("worktree");
        assertEquals("removed", worktree.get("outcome").asText(), worktree.toString());
        assertFalse(worktree.get("branchDeleted").asBoolean());
        assertTrue(worktree.get("reason").asText().contains("has commits"), worktree.toString());
        assertEquals(
                commit, GitRepos.git(repo, "rev-parse", "gateway/" + sessionId).strip(), "the commit is kept");
    }

    @Test
    void twoSessionsInParallelInOneRepositoryEachGetTheirOwnCheckout() throws IOException {
        startGateway(Map.of());
        List<Path> paths = runInParallel("claude_request", "codex_request");
        assertEquals(List.of("written-by-claude"), writtenFiles(paths.get(0)));
        assertEquals(List.of("written-by-codex"), writtenFiles(paths.get(1)));
        assertEquals(paths.get(0), fakes.lastWorkingDir(ProviderId.CLAUDE));
        assertEquals(paths.get(1), fakes.lastWorkingDir(ProviderId.CODEX));
    }

    @Test
    void twoSessionsOfOneProviderInParallelInOneRepositoryEachGetTheirOwnCheckout() throws IOException {
        startGateway(Map.of());
        List<Path> paths = runInParallel("claude_request", "claude_request");
        assertEquals(List.of("written-by-claude"), writtenFiles(paths.get(0)));
        assertEquals(List.of("written-by-claude"), writtenFiles(paths.get(1)));
    }

    /**
     * Two worktree requests on new sessions in {@code repo}, both held running (FAKE_GATE) until both have started
     * and written a file into their directory: the worktrees they ran in, after checking they are two and the shared
     * checkout is untouched.
     */
    private List<Path> runInParallel(String firstTool, String secondTool) throws IOException {
        Map<String, Object> args =
                Map.of("prompt", "FAKE_WRITE FAKE_GATE", "workingDir", repo.toString(), "worktree", true);
        int first = gw.client.send("tools/call", Map.of("name", firstTool, "arguments", args));
        int second = gw.client.send("tools/call", Map.of("name", secondTool, "arguments", args));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Stream<Path> files = Files.list(state)) {
                return files.filter(f -> f.getFileName().toString().startsWith("gate-waiting-"))
                                .count()
                        == 2;
            }
        });
        Files.createFile(state.resolve("gate"));
        JsonNode firstResult = ok(gw.client.awaitResponse(first).get("result"));
        JsonNode secondResult = ok(gw.client.awaitResponse(second).get("result"));
        assertNotEquals(
                firstResult.get("sessionId").asText(),
                secondResult.get("sessionId").asText(),
                "two sessions");
        Path firstPath = Path.of(firstResult.get("worktree").get("path").asText());
        Path secondPath = Path.of(secondResult.get("worktree").get("path").asText());
        assertNotEquals(firstPath, secondPath);
        assertEquals(List.of(), writtenFiles(repo), "the shared checkout is untouched");
        assertEquals(
                List.of(repo.toString(), firstPath.toString(), secondPath.toString()).stream()
                        .sorted()
                        .toList(),
                GitRepos.worktrees(repo).stream().sorted().toList());
        return List.of(firstPath, secondPath);
    }

    @Test
    void nameAndRefChooseTheBranchAndTheCommitItStartsAt() throws IOException {
        String firstCommit = GitRepos.git(repo, "rev-parse", "HEAD").strip();
        GitRepos.commit(repo, "later.txt", "later\n");
        startGateway(Map.of());
        JsonNode created = ok(call(
                "gemini_request",
                Map.of(
                        "prompt",
                        "p",
                        "workingDir",
                        repo.toString(),
                        "worktree",
                        Map.of("name", "feature-x", "ref", firstCommit))));
        Path path = Path.of(created.get("worktree").get("path").asText());
        assertEquals("gateway/feature-x", created.get("worktree").get("branch").asText());
        assertEquals(firstCommit, GitRepos.git(path, "rev-parse", "HEAD").strip());
        assertFalse(Files.exists(path.resolve("later.txt")));

        JsonNode taken = call(
                "claude_request",
                Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", Map.of("name", "feature-x")));
        assertTrue(taken.get("isError").asBoolean());
        assertTrue(
                taken.get("structuredContent")
                        .get("error")
                        .asText()
                        .contains("Branch gateway/feature-x already exists"),
                taken.toString());
    }

    @Test
    void theRequestIsRefusedBeforeAnythingIsCreatedWhenTheWorktreeCannotBe() throws IOException {
        startGateway(Map.of());
        for (Map<String, Object> args : List.<Map<String, Object>>of(
                Map.of("prompt", "p", "workingDir", plain.toString(), "worktree", true),
                Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", Map.of("name", "../escape")),
                Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", Map.of("name", "-x")),
                Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", Map.of("ref", "no-such-branch")),
                Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", Map.of("ref", "--output=x")))) {
            JsonNode refused = call("claude_request", args);
            assertTrue(refused.get("isError").asBoolean(), args + " " + refused);
            assertEquals(
                    "invalid_argument",
                    refused.get("structuredContent").get("errorCode").asText(),
                    refused.toString());
        }
        assertFalse(fakes.hasRun(ProviderId.CLAUDE));
        assertFalse(Files.exists(dataDir.resolve("worktrees").resolve("x")));
        assertEquals(List.of(repo.toString()), GitRepos.worktrees(repo));
        assertEquals(0, ok(call("session_list", Map.of())).get("total").asInt(), "no session was made");
    }

    @Test
    void thePolicyJudgesTheWorktreeThatWillRunAndNothingIsCreatedWhenItDenies() throws IOException {
        Path policy = dataDir.resolve("policy.json");
        Files.writeString(
                policy,
                "{\"version\":\"1\",\"default\":\"allow\",\"tools\":{\"claude_request\":{\"deny_if\":["
                        + "{\"path\":\"args.workingDir\",\"op\":\"regex\",\"value\":\"/worktrees/\"}]},"
                        + "\"codex_request\":{\"deny_if\":[{\"path\":\"args.worktree.repository\",\"op\":\"eq\",\"value\":\""
                        + repo + "\"}]}}}");
        startGateway(Map.of("LLM_GATEWAY_POLICY", policy.toString()));
        assertDenied(
                call("claude_request", Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", true)),
                "policy_denied");
        assertDenied(
                call("codex_request", Map.of("prompt", "p", "workingDir", repo.toString(), "worktree", true)),
                "policy_denied");
        assertFalse(fakes.hasRun(ProviderId.CLAUDE) || fakes.hasRun(ProviderId.CODEX));
        assertEquals(List.of(repo.toString()), GitRepos.worktrees(repo), "no worktree was created for a denied call");
        ok(call("claude_request", Map.of("prompt", "p", "workingDir", repo.toString())));
    }

    private static List<String> writtenFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.startsWith("written-by-"))
                    .map(name -> name.substring(0, name.lastIndexOf('-')))
                    .toList();
        }
    }
}
