package io.llmgateway.workspace;

/**
 * A request's {@code workspace} and {@code worktree} arguments, as the caller gave them.
 *
 * @param workspace    a registered workspace's alias; null for none
 * @param worktree     whether the request runs in the session's gateway-owned git worktree
 * @param worktreeName the worktree's name ({@code worktree:{name}}); null for the session id
 * @param worktreeRef  the commit a new worktree starts at ({@code worktree:{ref}}); null for HEAD
 */
public record PlacementRequest(String workspace, boolean worktree, String worktreeName, String worktreeRef) {
    public static final PlacementRequest NONE = new PlacementRequest(null, false, null, null);
}
