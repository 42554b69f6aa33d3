package io.llmgateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Successful calls of the four workspace tools, for the tests that call every listed tool: an allowed root permitting
 * everything in the data directory's config.toml, the admin switch, and an existing repository to register.
 */
public final class WorkspaceCalls {
    private WorkspaceCalls() {}

    /** Prepares {@code dataDir} and {@code env} of a gateway so that {@link #callAll} succeeds. */
    public static void prepare(Path dataDir, Path projects, Map<String, String> env) throws IOException {
        env.put("LLM_GATEWAY_WORKSPACE_ADMIN", "1");
        GitRepos.init(Files.createDirectory(projects.resolve("existing")));
        Files.writeString(
                dataDir.resolve("config.toml"),
                "[workspaces]\n[[workspaces.allowed_roots]]\nalias = \"projects\"\npath = \"" + projects.toRealPath()
                        + "\"\nallow_register_existing_git_repos = true\nallow_create_directories = true\n"
                        + "allow_init_git_repos = true\n");
    }

    /** workspace_create, workspace_register_existing_repo, workspace_get, workspace_list. */
    public static void callAll(BiConsumer<String, Map<String, Object>> call, Path projects) {
        call.accept("workspace_create", Map.of("alias", "made", "root", "projects", "slug", "made"));
        call.accept(
                "workspace_register_existing_repo",
                Map.of("alias", "existing", "path", projects.resolve("existing").toString()));
        call.accept("workspace_get", Map.of("alias", "made"));
        call.accept("workspace_list", Map.of());
    }
}
