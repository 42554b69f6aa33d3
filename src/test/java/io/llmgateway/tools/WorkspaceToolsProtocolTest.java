package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workspace tools and the {@code workspace} request argument over the original's {@code config.toml}
 * {@code [workspaces]}, through the real stdio transport with the fake CLIs and the real git.
 */
class WorkspaceToolsProtocolTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path projects;

    @TempDir
    Path outside;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private FakeClis fakes;
    private InProcessGateway gw;
    private Path app;
    private Path docs;
    private Path root;

    @BeforeEach
    void repositories() throws IOException {
        root = projects.toRealPath();
        app = GitRepos.init(Files.createDirectory(root.resolve("app")));
        Files.createDirectory(app.resolve("sub"));
        docs = Files.createDirectory(root.resolve("docs")).toRealPath();
        fakes = FakeClis.in(state);
    }

    private void start(Map<String, String> gatewayEnv) {
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.putAll(gatewayEnv);
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, env), new JsonFileSessionStore(dataDir, clock), clock);
        gw.client.initialize();
    }

    /** config.toml as the original gateway documents it: two repos, one allowed root permitting everything. */
    private void writeConfig(String defaultAlias) throws IOException {
        Files.writeString(
                dataDir.resolve("config.toml"),
                "# the operator's comments stay\n[workspaces]\n"
                        + (defaultAlias == null ? "" : "default = \"" + defaultAlias + "\"\n")
                        + "\n[[workspaces.repos]]\nalias = \"app\"\npath = \"" + app + "\"\n"
                        + "\n[[workspaces.repos]]\nalias = \"docs\"\npath = \"" + docs + "\"\nkind = \"folder\"\n"
                        + "providers = [\"codex\"]\n"
                        + "\n[[workspaces.allowed_roots]]\nalias = \"projects\"\npath = \"" + root + "\"\n"
                        + "allow_register_existing_git_repos = true\nallow_create_directories = true\n"
                        + "allow_init_git_repos = true\n\n[other]\nkept = 1\n");
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

    private static void assertError(JsonNode result, String code, String text) {
        assertTrue(result.get("isError").asBoolean(), result.toString());
        assertEquals(code, result.get("structuredContent").get("errorCode").asText(), result.toString());
        assertTrue(result.get("structuredContent").get("error").asText().contains(text), result.toString());
    }

    @Test
    void withoutAConfigurationTheRegistryIsEmptyAndDisabled() {
        start(Map.of());
        JsonNode list = ok(call("workspace_list", Map.of()));
        assertFalse(list.get("enabled").asBoolean());
        assertEquals(0, list.get("workspaces").size());
        assertError(
                call("workspace_get", Map.of("alias", "app")),
                "workspace_not_found",
                "Unknown workspace alias \"app\"");
    }

    @Test
    void listsAndShowsTheWorkspacesOfTheOriginalsConfigToml() throws IOException {
        writeConfig("app");
        Files.writeString(app.resolve("README.md"), "edited\n");
        start(Map.of());
        JsonNode list = ok(call("workspace_list", Map.of()));
        assertTrue(list.get("enabled").asBoolean());
        assertEquals("app", list.get("default").asText());
        JsonNode first = list.get("workspaces").get(0);
        assertEquals("app", first.get("alias").asText());
        assertEquals(app.toString(), first.get("path").asText());
        assertEquals("git", first.get("kind").asText());
        assertEquals("main", first.get("branch").asText());
        assertTrue(first.get("dirty").asBoolean());
        assertTrue(first.get("allow_worktree").asBoolean());
        assertEquals(ProviderId.wireNames().size(), first.get("providers").size(), "every provider by default");
        assertEquals("folder", list.get("workspaces").get(1).get("kind").asText());
        JsonNode allowed = list.get("allowed_roots").get(0);
        assertEquals("projects", allowed.get("alias").asText());
        assertEquals(2, allowed.get("max_create_depth").asInt());

        JsonNode docsView = ok(call("workspace_get", Map.of("alias", "docs"))).get("workspace");
        assertEquals(List.of("codex"), List.of(docsView.get("providers").get(0).asText()));
        assertError(call("workspace_get", Map.of("alias", "../x")), "invalid_argument", "Invalid workspace alias");
    }

    @Test
    void anInvalidSectionDisablesTheRegistryAndSaysWhy() throws IOException {
        Files.writeString(
                dataDir.resolve("config.toml"),
                "[workspaces]\n[[workspaces.repos]]\nalias = \"app\"\npath = \"" + app + "\"\nunknown_key = true\n");
        start(Map.of());
        JsonNode list = ok(call("workspace_list", Map.of()));
        assertFalse(list.get("enabled").asBoolean());
        assertTrue(list.get("warnings").get(0).asText().contains("unknown key \"unknown_key\""), list.toString());
        assertError(
                call("claude_request", Map.of("prompt", "p", "workspace", "app")),
                "workspace_not_found",
                "unknown key");
    }

    @Test
    void creatingAndRegisteringNeedTheAdminSwitch() throws IOException {
        writeConfig(null);
        start(Map.of());
        assertError(
                call("workspace_create", Map.of("alias", "new", "root", "projects", "slug", "new")),
                "workspace_admin_required",
                "LLM_GATEWAY_WORKSPACE_ADMIN=1");
        assertError(
                call("workspace_register_existing_repo", Map.of("alias", "again", "path", app.toString())),
                "workspace_admin_required",
                "LLM_GATEWAY_WORKSPACE_ADMIN=1");
        assertFalse(Files.exists(root.resolve("new")));
    }

    @Test
    void anAdminCreatesAGitWorkspaceUnderAnAllowedRootWithoutRewritingConfigToml() throws IOException {
        writeConfig(null);
        byte[] config = Files.readAllBytes(dataDir.resolve("config.toml"));
        start(Map.of("LLM_GATEWAY_WORKSPACE_ADMIN", "1"));
        JsonNode created = ok(call(
                        "workspace_create",
                        Map.of("alias", "fresh", "root", "projects", "slug", "fresh", "setDefault", true)))
                .get("workspace");
        Path fresh = root.resolve("fresh");
        assertEquals(fresh.toString(), created.get("path").asText());
        assertTrue(Files.isDirectory(fresh.resolve(".git")), "git init ran");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertFalse(created.get("operator_entry").asBoolean());
        JsonNode list = ok(call("workspace_list", Map.of()));
        assertEquals("fresh", list.get("default").asText());
        assertEquals(3, list.get("workspaces").size());
        assertArrayEquals(config, Files.readAllBytes(dataDir.resolve("config.toml")), "config.toml is never rewritten");
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("workspaces.json"))));

        JsonNode folder = ok(call(
                        "workspace_create",
                        Map.of("alias", "notes", "root", "projects", "slug", "fresh2", "kind", "folder")))
                .get("workspace");
        assertFalse(folder.get("allow_worktree").asBoolean());
        assertFalse(Files.exists(root.resolve("fresh2/.git")));

        assertError(
                call("workspace_create", Map.of("alias", "fresh", "root", "projects", "slug", "other")),
                "invalid_argument",
                "already exists");
        assertError(
                call("workspace_create", Map.of("alias", "up", "root", "projects", "slug", "../up")),
                "invalid_argument",
                "must not traverse");
        assertError(
                call("workspace_create", Map.of("alias", "hidden", "root", "projects", "slug", ".ssh")),
                "invalid_argument",
                "is not allowed");
        assertError(
                call("workspace_create", Map.of("alias", "x", "root", "nowhere", "slug", "x")),
                "workspace_not_found",
                "allowed root");
        Files.writeString(Files.createDirectory(root.resolve("full")).resolve("f"), "x");
        assertError(
                call("workspace_create", Map.of("alias", "full", "root", "projects", "slug", "full")),
                "invalid_argument",
                "not empty");
    }

    @Test
    void anAdminRegistersAnExistingRepositoryOnlyUnderARootThatPermitsIt() throws IOException {
        writeConfig(null);
        Path other = GitRepos.init(Files.createDirectory(root.resolve("other")));
        Path stranger = GitRepos.init(outside);
        start(Map.of("LLM_GATEWAY_WORKSPACE_ADMIN", "1"));
        JsonNode registered = ok(call(
                        "workspace_register_existing_repo", Map.of("alias", "other", "path", other.toString())))
                .get("workspace");
        assertEquals(other.toString(), registered.get("path").asText());
        assertEquals(
                "other",
                ok(call("workspace_get", Map.of("alias", "other")))
                        .get("workspace")
                        .get("alias")
                        .asText());
        assertError(
                call("workspace_register_existing_repo", Map.of("alias", "stranger", "path", stranger.toString())),
                "invalid_argument",
                "No allowed root permits");
        assertError(
                call("workspace_register_existing_repo", Map.of("alias", "plain", "path", docs.toString())),
                "invalid_argument",
                "must be a Git repo");
    }

    @Test
    void aRequestRunsInItsWorkspaceAndItsSessionStaysThere() throws IOException {
        writeConfig(null);
        start(Map.of());
        JsonNode first = ok(call("claude_request", Map.of("prompt", "p", "workspace", "app")));
        assertEquals(app, fakes.lastWorkingDir(ProviderId.CLAUDE));
        String sessionId = first.get("sessionId").asText();
        JsonNode metadata = ok(call("session_get", Map.of("sessionId", sessionId)))
                .get("session")
                .get("metadata");
        assertEquals("app", metadata.get("workspaceAlias").asText());
        ok(call("claude_request", Map.of("prompt", "p", "sessionId", sessionId)));
        assertEquals(
                app, fakes.lastWorkingDir(ProviderId.CLAUDE), "the session's later request stays in the workspace");

        ok(call("codex_request", Map.of("prompt", "p", "workspace", "app", "workingDir", "sub")));
        assertEquals(app.resolve("sub"), fakes.lastWorkingDir(ProviderId.CODEX), "relative to the workspace");
        assertError(
                call("codex_request", Map.of("prompt", "p", "workspace", "app", "workingDir", docs.toString())),
                "invalid_argument",
                "must stay inside workspace \"app\"");
        assertError(
                call("codex_request", Map.of("prompt", "p", "workspace", "app", "workingDir", "../docs")),
                "invalid_argument",
                "must stay inside workspace \"app\"");
        assertError(
                call("claude_request", Map.of("prompt", "p", "workspace", "docs")),
                "invalid_argument",
                "does not allow provider \"claude\"");
        assertError(
                call("claude_request", Map.of("prompt", "p", "workspace", "nope")),
                "workspace_not_found",
                "Unknown workspace alias \"nope\"");
    }

    @Test
    void theDefaultWorkspaceTakesRequestsThatNameNoDirectory() throws IOException {
        writeConfig("app");
        start(Map.of());
        ok(call("gemini_request", Map.of("prompt", "p")));
        assertEquals(app, fakes.lastWorkingDir(ProviderId.GEMINI));
        ok(call("gemini_request", Map.of("prompt", "p", "workingDir", outside.toString(), "createNewSession", true)));
        assertEquals(outside.toRealPath(), fakes.lastWorkingDir(ProviderId.GEMINI), "a named directory wins");
    }

    @Test
    void aWorktreeInAWorkspaceIsOfItsRepositoryAndOnlyWhereAllowed() throws IOException {
        writeConfig(null);
        start(Map.of());
        JsonNode created = ok(call("claude_request", Map.of("prompt", "p", "workspace", "app", "worktree", true)));
        Path worktree = Path.of(created.get("worktree").get("path").asText());
        assertTrue(GitRepos.worktrees(app).contains(worktree.toString()));
        assertEquals(worktree, fakes.lastWorkingDir(ProviderId.CLAUDE));
        assertError(
                call("codex_request", Map.of("prompt", "p", "workspace", "docs", "worktree", true)),
                "invalid_argument",
                "does not allow worktree requests");
        assertError(
                call("codex_request", Map.of("prompt", "p", "workspace", "app", "workingDir", "sub", "worktree", true)),
                "invalid_argument",
                "omit workingDir");
    }

    @Test
    void cursorTakesNoGatewayWorkspaceOrWorktreeAsInTheOriginal() throws IOException {
        writeConfig("app");
        start(Map.of());
        for (JsonNode tool :
                gw.client.request("tools/list", Map.of()).get("result").get("tools")) {
            String name = tool.get("name").asText();
            JsonNode properties = tool.get("inputSchema").get("properties");
            if (name.startsWith("cursor_request")) {
                assertFalse(properties.has("worktree"), name);
                assertFalse(properties.has("workspace"), name + ": cursor's workspace is its own --workspace");
            } else if (name.endsWith("_request") || name.endsWith("_request_async")) {
                assertTrue(properties.has("worktree") && properties.has("workspace"), name);
            }
        }
        JsonNode refused = gw.client.request(
                "tools/call", Map.of("name", "cursor_request", "arguments", Map.of("prompt", "p", "worktree", true)));
        assertEquals(-32602, refused.get("error").get("code").asInt(), refused.toString());
        assertTrue(
                refused.get("error").get("message").asText().contains("unknown argument 'worktree'"),
                refused.toString());
        assertFalse(fakes.hasRun(ProviderId.CURSOR));
        ok(call("cursor_request", Map.of("prompt", "p")));
        assertNotEquals(app, fakes.lastWorkingDir(ProviderId.CURSOR), "the default workspace is not cursor's");
    }
}
