package io.llmgateway.workspace;

import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.Placement;
import io.llmgateway.session.SessionRecord;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Settles where a request runs from its {@code workspace} and {@code worktree} arguments and its session, during
 * normalisation: the working directory the policy sees is the real directory the CLI will run in. It only reads
 * (the registry, git); a new worktree is created when the run is prepared ({@link #prepare}).
 *
 * <p>The workspace is the requested alias, else the session's, else the registry's default (only for a request
 * that names no directory and whose session ran nowhere yet). In a workspace the request runs in its
 * {@code workingDir} (which must be inside the workspace), else the session's directory when that is inside, else
 * the workspace root. A worktree request runs in the session's worktree: the one it has, else a new one of the
 * workspace's repository, or without a workspace of the repository the request's directory is in.
 */
public final class Placements {
    private final RegistryFiles registry;
    private final Worktrees worktrees;
    private final Supplier<String> newSessionId;

    /** @param newSessionId the id of a session a new worktree's run creates when the request has none */
    public Placements(RegistryFiles registry, Worktrees worktrees, Supplier<String> newSessionId) {
        this.registry = registry;
        this.worktrees = worktrees;
        this.newSessionId = newSessionId;
    }

    /**
     * Whether {@code cli}'s requests take a gateway workspace and worktree: all but cursor, whose original has no
     * worktree and whose {@code workspace} is Cursor's own {@code --workspace}.
     */
    public static boolean appliesTo(ProviderId cli) {
        return cli != ProviderId.CURSOR;
    }

    /**
     * Where a request runs.
     *
     * @param workingDir the real directory the request runs in; null when it named none and is placed nowhere
     * @param placement  the workspace and worktree as the policy judges them; null when neither applies
     */
    public record Placed(Path workingDir, Placement placement) {}

    /**
     * @param session    the request's gw-* session, or null when the run gets a new one
     * @param workingDir the request's {@code workingDir} as sent (relative to the workspace root in a workspace), or null
     * @param realDir    the real path of an absolute {@code workingDir}, refusing anything else
     * @param sessionDir the real directory the session's conversation ran in, or null
     * @param defaultDir where the request would run otherwise (for finding the repository of a worktree)
     */
    public Placed place(
            ProviderId cli,
            PlacementRequest request,
            SessionRecord session,
            String workingDir,
            Function<String, Path> realDir,
            Path sessionDir,
            Supplier<Path> defaultDir) {
        if (!appliesTo(cli)) {
            return new Placed(workingDir == null ? null : realDir.apply(workingDir), null);
        }
        Optional<Placement.Worktree> recorded = worktrees.recorded(session);
        Optional<WorkspaceRepo> workspace =
                workspace(cli, request, session, workingDir == null && sessionDir == null && recorded.isEmpty());
        String alias = workspace.map(WorkspaceRepo::alias).orElse(null);
        Path root = workspace.map(WorkspaceRepo::path).orElse(null);
        Path requestedDir = workingDir == null
                ? null
                : workspace.isPresent() && !Path.of(workingDir).isAbsolute()
                        ? relative(workspace.get(), workingDir)
                        : realDir.apply(workingDir);
        if (request.worktree() || (recorded.isPresent() && requestedDir == null && request.workspace() == null)) {
            Placement.Worktree worktree = recorded.isPresent()
                    ? worktrees.reuse(recorded.get(), request.worktreeName())
                    : newWorktree(session, workspace, requestedDir, sessionDir, defaultDir, request);
            return new Placed(worktree.path(), new Placement(alias, root, worktree));
        }
        if (workspace.isEmpty()) {
            return new Placed(requestedDir, null);
        }
        Path dir;
        if (requestedDir != null) {
            dir = inside(workspace.get(), requestedDir, "workingDir");
        } else if (sessionDir != null && WorkspacePaths.isUnder(root, sessionDir)) {
            dir = sessionDir;
        } else {
            dir = root;
        }
        return new Placed(dir, new Placement(alias, root, null));
    }

    /** Creates the planned worktree of a placement (if it is a new one); the session metadata recording it, else empty. */
    public Map<String, String> prepare(Placement placement) {
        if (placement == null
                || placement.worktree() == null
                || !placement.worktree().create()) {
            return Map.of();
        }
        return worktrees.create(placement.worktree(), placement.workspace(), placement.workspaceRoot());
    }

    private Placement.Worktree newWorktree(
            SessionRecord session,
            Optional<WorkspaceRepo> workspace,
            Path requestedDir,
            Path sessionDir,
            Supplier<Path> defaultDir,
            PlacementRequest request) {
        Path repository;
        if (workspace.isPresent()) {
            WorkspaceRepo repo = workspace.get();
            if (!repo.allowWorktree() || repo.kind() != WorkspaceRepo.Kind.GIT) {
                throw GatewayException.invalidArgument(
                        "Workspace \"" + repo.alias() + "\" does not allow worktree requests"
                                + (repo.kind() == WorkspaceRepo.Kind.GIT
                                        ? " (allow_worktree = false)."
                                        : " (it is not a git repository)."));
            }
            if (requestedDir != null) {
                throw GatewayException.invalidArgument("A worktree request in workspace \"" + repo.alias()
                        + "\" runs in " + "its own checkout of the workspace; omit workingDir.");
            }
            repository = repo.path();
        } else {
            repository = worktrees.repositoryOf(
                    requestedDir != null ? requestedDir : sessionDir != null ? sessionDir : defaultDir.get());
        }
        String sessionId = session != null ? session.id() : newSessionId.get();
        return worktrees.plan(sessionId, repository, request.worktreeName(), request.worktreeRef());
    }

    private Optional<WorkspaceRepo> workspace(
            ProviderId cli, PlacementRequest request, SessionRecord session, boolean defaultApplies) {
        String sessionAlias = session == null ? null : session.metadata().get(Worktrees.WORKSPACE_ALIAS_KEY);
        if (request.workspace() == null && sessionAlias == null && !defaultApplies) {
            return Optional.empty();
        }
        WorkspaceRegistry workspaces = registry.load();
        String alias = request.workspace() != null
                ? request.workspace()
                : sessionAlias != null ? sessionAlias : workspaces.defaultAlias();
        if (alias == null) {
            return Optional.empty();
        }
        WorkspacePaths.checkAlias(alias, GatewayException::invalidArgument);
        WorkspaceRepo repo = workspaces.require(alias);
        if (!repo.providers().contains(cli)) {
            throw GatewayException.invalidArgument(
                    "Workspace \"" + alias + "\" does not allow provider \"" + cli.wireName() + "\".");
        }
        return Optional.of(repo);
    }

    /** A workingDir relative to the workspace root, as the original's remote clients send it. */
    private static Path relative(WorkspaceRepo workspace, String workingDir) {
        Path real;
        try {
            real = workspace.path().resolve(workingDir).toRealPath();
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            throw GatewayException.invalidArgument(
                    "workingDir '" + workingDir + "' is not an existing directory inside " + "workspace \""
                            + workspace.alias() + "\" (" + workspace.path() + ").");
        }
        if (!java.nio.file.Files.isDirectory(real)) {
            throw GatewayException.invalidArgument("workingDir '" + workingDir + "' is not a directory.");
        }
        return inside(workspace, real, "workingDir");
    }

    private static Path inside(WorkspaceRepo workspace, Path dir, String what) {
        if (!WorkspacePaths.isUnder(workspace.path(), dir)) {
            throw GatewayException.invalidArgument(what + " " + dir + " must stay inside workspace \""
                    + workspace.alias() + "\" (" + workspace.path() + ").");
        }
        return dir;
    }
}
