package io.llmgateway.workspace;

import io.llmgateway.core.ProviderId;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A registered workspace: an alias for a directory (a git repository or a plain folder) that requests may
 * name instead of a path, as the original gateway's {@code [workspaces] repos} entries.
 *
 * @param path          its real path
 * @param providers     the providers whose requests may run in it
 * @param allowWorktree whether requests in it may ask for a gateway-owned worktree
 * @param allowAddDir   whether absolute extra directories are allowed (kept for the original's format)
 * @param operatorEntry true for an entry the operator wrote into config.toml, false for one a workspace tool made
 */
public record WorkspaceRepo(
        String alias,
        Path path,
        List<ProviderId> providers,
        boolean allowWorktree,
        boolean allowAddDir,
        Kind kind,
        boolean operatorEntry) {

    /** What the directory is. */
    public enum Kind {
        GIT("git"),
        FOLDER("folder");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Kind of(String wireName) {
            for (Kind kind : values()) {
                if (kind.wireName.equals(wireName)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("kind must be git or folder, got '" + wireName + "'");
        }
    }

    public WorkspaceRepo {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(path, "path");
        providers = List.copyOf(providers);
        Objects.requireNonNull(kind, "kind");
    }
}
