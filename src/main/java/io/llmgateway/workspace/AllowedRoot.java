package io.llmgateway.workspace;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A directory under which the workspace tools may create or register workspaces ({@code [workspaces]
 * allowed_roots}); every permission is off unless the operator turns it on.
 *
 * @param path           its real path
 * @param maxCreateDepth how many path segments a created workspace's slug may have (1-8)
 */
public record AllowedRoot(
        String alias,
        Path path,
        boolean allowRegisterExistingGitRepos,
        boolean allowCreateDirectories,
        boolean allowInitGitRepos,
        int maxCreateDepth) {

    public AllowedRoot {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(path, "path");
    }
}
