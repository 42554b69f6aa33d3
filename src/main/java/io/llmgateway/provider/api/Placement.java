package io.llmgateway.provider.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a request runs when it named a registered workspace or asked for a worktree, as normalisation settled
 * it: the policy judges it, the job layer carries it, and preparing the run creates exactly this worktree.
 *
 * @param workspace     the registered workspace's alias; null when the request runs in no workspace
 * @param workspaceRoot the workspace's real path; null without a workspace
 * @param worktree      the gateway-owned git worktree the request runs in; null for none
 */
public record Placement(String workspace, Path workspaceRoot, Worktree worktree) {

    /**
     * A git worktree of one session.
     *
     * @param sessionId  the gw-* session it belongs to: the request's, or one the run creates under this id
     * @param name       its name (the branch's last part)
     * @param branch     {@code gateway/<name>}
     * @param repository the real path of the repository it is a worktree of
     * @param path       where it is (the request's working directory)
     * @param baseCommit the commit a new worktree starts at, resolved from the requested ref
     * @param create     true when preparing the run creates it; false when the session's existing one is reused
     * @param owned      whether this gateway created it (and may remove it when the session is deleted)
     */
    public record Worktree(
            String sessionId,
            String name,
            String branch,
            Path repository,
            Path path,
            String baseCommit,
            boolean create,
            boolean owned) {
        public Worktree {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(path, "path");
        }
    }
}
