package io.llmgateway.workspace;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.IoCall;
import io.llmgateway.files.LockTimeoutException;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.provider.api.Placement;
import io.llmgateway.session.SessionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gateway-owned git worktrees, one per session, so that agents working in parallel never share a checkout.
 * A worktree is {@code <data dir>/worktrees/<session id>} on branch {@code gateway/<name>} (the name defaults
 * to the session id), recorded on its session, reused by the session's later requests, and removed when the
 * session is deleted, but only when this gateway created it and it holds no uncommitted work. Creation and
 * removal run under {@code worktrees.lock}, so gateways sharing the data directory never run two {@code git
 * worktree} commands on one repository at once.
 */
public final class Worktrees {
    private static final Logger log = LoggerFactory.getLogger(Worktrees.class);
    /** Session metadata the original gateway writes too. */
    public static final String PATH_KEY = "worktreePath";

    public static final String NAME_KEY = "worktreeName";
    public static final String WORKSPACE_ALIAS_KEY = "workspaceAlias";
    public static final String WORKSPACE_ROOT_KEY = "workspaceRoot";
    /** Session metadata of this gateway's worktrees only. */
    static final String BRANCH_KEY = "worktreeBranch";

    static final String REPOSITORY_KEY = "worktreeRepository";
    static final String BASE_COMMIT_KEY = "worktreeBaseCommit";
    static final String OWNER_KEY = "worktreeOwner";
    static final String OWNER = "llm-cli-gateway";
    static final String BRANCH_PREFIX = "gateway/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_REF_CHARS = 255;

    private final Git git;
    private final Path directory;
    private final FileMutex lock;

    public Worktrees(Git git, Path dataDir) {
        this.git = git;
        this.directory = dataDir.resolve("worktrees");
        // Held across git worktree commands, each bounded by Git.TIMEOUT.
        this.lock = new FileMutex(dataDir.resolve("worktrees.lock"), Git.TIMEOUT.multipliedBy(3));
    }

    /** What deleting a session did with its worktree. */
    public record Release(String path, String branch, Outcome outcome, String reason, boolean branchDeleted) {}

    /** {@code removed}; {@code kept} on disk (with the reason); {@code missing}: it was already gone. */
    public enum Outcome {
        REMOVED,
        KEPT,
        MISSING;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The worktree {@code session} records, if it records one. */
    public Optional<Placement.Worktree> recorded(SessionRecord session) {
        if (session == null) {
            return Optional.empty();
        }
        Map<String, String> meta = session.metadata();
        String path = meta.get(PATH_KEY);
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        String repository = meta.get(REPOSITORY_KEY);
        return Optional.of(new Placement.Worktree(
                session.id(),
                meta.get(NAME_KEY),
                meta.get(BRANCH_KEY),
                repository == null ? null : Path.of(repository),
                Path.of(path),
                meta.get(BASE_COMMIT_KEY),
                false,
                isOwned(meta)));
    }

    /**
     * The session's worktree for a later request, after checking it is still there (and, for one this gateway
     * made, still a worktree of its repository on its branch).
     */
    public Placement.Worktree reuse(Placement.Worktree recorded, String requestedName) {
        if (requestedName != null && !requestedName.equals(recorded.name())) {
            throw GatewayException.invalidArgument("Session " + recorded.sessionId() + " already has worktree '"
                    + recorded.name() + "' at " + recorded.path()
                    + "; a session has one worktree, so send worktree:true "
                    + "(or its name), or start a new session for another one.");
        }
        if (!Files.isDirectory(recorded.path(), LinkOption.NOFOLLOW_LINKS)) {
            throw GatewayException.invalidArgument("Session " + recorded.sessionId() + "'s worktree " + recorded.path()
                    + " no longer exists; start a new session (createNewSession:true) for a new worktree.");
        }
        if (recorded.owned() && !isRegistered(recorded.repository(), recorded.path(), recorded.branch())) {
            throw GatewayException.invalidArgument("Session " + recorded.sessionId() + "'s worktree " + recorded.path()
                    + " is no longer a worktree of " + recorded.repository() + " on " + recorded.branch()
                    + "; start a new session (createNewSession:true) for a new worktree.");
        }
        return recorded;
    }

    /**
     * A new worktree of {@code repository} for session {@code sessionId}, checked but not created: its name, branch
     * and path are free, and {@code ref} (default HEAD) is resolved to the commit it will start at.
     */
    public Placement.Worktree plan(String sessionId, Path repository, String requestedName, String ref) {
        String name = requestedName != null ? checkName(requestedName) : defaultName(sessionId);
        String branch = BRANCH_PREFIX + name;
        Path path = directory.resolve(defaultName(sessionId));
        String commit = resolveCommit(repository, ref == null ? "HEAD" : checkRef(ref));
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new GatewayException(
                    ErrorCode.GIT_FAILED,
                    "The worktree path " + path + " already exists but "
                            + "session " + sessionId
                            + " records no worktree; remove the stale directory (git worktree remove) "
                            + "and retry.");
        }
        if (git.run(repository, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch)
                .ok()) {
            throw GatewayException.invalidArgument("Branch " + branch + " already exists in " + repository
                    + " (another session's worktree?); pick another worktree name.");
        }
        return new Placement.Worktree(sessionId, name, branch, repository, path, commit, true, true);
    }

    /**
     * Creates a planned worktree (a parallel request of the same session may have created it meanwhile: then it
     * is reused), and returns the session metadata that records it.
     */
    public Map<String, String> create(Placement.Worktree worktree, String workspace, Path workspaceRoot) {
        locked(() -> {
            if (Files.exists(worktree.path(), LinkOption.NOFOLLOW_LINKS)) {
                if (!isRegistered(worktree.repository(), worktree.path(), worktree.branch())) {
                    throw new GatewayException(
                            ErrorCode.GIT_FAILED,
                            "The worktree path " + worktree.path()
                                    + " already exists and is not a worktree of " + worktree.repository() + " on "
                                    + worktree.branch() + "; remove the stale directory and retry.");
                }
                return null;
            }
            PrivateFiles.createDirectories(directory);
            git.require(
                    worktree.repository(),
                    "git worktree add " + worktree.path(),
                    "worktree",
                    "add",
                    "-b",
                    worktree.branch(),
                    "--",
                    worktree.path().toString(),
                    worktree.baseCommit());
            log.info(
                    "created worktree {} of {} on {} for session {}",
                    worktree.path(),
                    worktree.repository(),
                    worktree.branch(),
                    worktree.sessionId());
            return null;
        });
        Map<String, String> meta = new HashMap<>();
        meta.put(PATH_KEY, worktree.path().toString());
        meta.put(NAME_KEY, worktree.name());
        meta.put(BRANCH_KEY, worktree.branch());
        meta.put(REPOSITORY_KEY, worktree.repository().toString());
        meta.put(BASE_COMMIT_KEY, worktree.baseCommit());
        meta.put(OWNER_KEY, OWNER);
        if (workspace != null) {
            meta.put(WORKSPACE_ALIAS_KEY, workspace);
            meta.put(WORKSPACE_ROOT_KEY, workspaceRoot.toString());
        }
        return meta;
    }

    /**
     * What to do with a deleted session's worktree: removed when this gateway created it and it has no
     * uncommitted work (modified, staged or untracked files); its branch is deleted too when it still points at
     * the commit the worktree started from, so committed work is never lost. Empty when it had none.
     */
    public Optional<Release> release(SessionRecord session) {
        Optional<Placement.Worktree> recorded = recorded(session);
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        Placement.Worktree worktree = recorded.get();
        String path = worktree.path().toString();
        if (!worktree.owned()) {
            return Optional.of(new Release(
                    path,
                    worktree.branch(),
                    Outcome.KEPT,
                    "this gateway did not create it (it is not under " + directory + "), so it is left as it is",
                    false));
        }
        try {
            return Optional.of(locked(() -> remove(worktree)));
        } catch (GatewayException e) {
            return Optional.of(new Release(path, worktree.branch(), Outcome.KEPT, e.getMessage(), false));
        }
    }

    private Release remove(Placement.Worktree worktree) {
        String path = worktree.path().toString();
        Outcome outcome;
        if (!Files.isDirectory(worktree.path(), LinkOption.NOFOLLOW_LINKS)) {
            git.run(worktree.repository(), "worktree", "prune");
            outcome = Outcome.MISSING;
        } else {
            Git.Result status =
                    git.require(worktree.path(), "git status", "status", "--porcelain", "--untracked-files=all");
            long changed =
                    status.stdout().lines().filter(line -> !line.isBlank()).count();
            if (changed > 0) {
                return new Release(
                        path,
                        worktree.branch(),
                        Outcome.KEPT,
                        "it has uncommitted work (" + changed
                                + " changed or untracked path" + (changed == 1 ? "" : "s")
                                + "); commit or discard it, then "
                                + "run git worktree remove " + path,
                        false);
            }
            Git.Result removed = git.run(worktree.repository(), "worktree", "remove", "--", path);
            if (!removed.ok()) {
                return new Release(
                        path,
                        worktree.branch(),
                        Outcome.KEPT,
                        "git worktree remove failed: " + removed.problem(),
                        false);
            }
            outcome = Outcome.REMOVED;
        }
        log.info("removed worktree {} of {}", path, worktree.repository());
        Git.Result tip =
                git.run(worktree.repository(), "rev-parse", "--verify", "--quiet", "refs/heads/" + worktree.branch());
        boolean atBase = tip.ok() && tip.stdout().strip().equals(worktree.baseCommit());
        boolean branchDeleted = atBase
                && git.run(worktree.repository(), "branch", "-D", "--", worktree.branch())
                        .ok();
        String reason = branchDeleted || !tip.ok()
                ? null
                : "branch " + worktree.branch() + " is kept: it has commits made in the worktree";
        return new Release(path, worktree.branch(), outcome, reason, branchDeleted);
    }

    /** The top level of the git repository {@code directory} is in, as a real path. */
    public Path repositoryOf(Path directory) {
        Git.Result top = git.run(directory, "rev-parse", "--show-toplevel");
        if (!top.ok()) {
            throw GatewayException.invalidArgument("worktree needs a git repository, and " + directory
                    + " is not in one; " + "pass the workingDir of a git repository, or a registered workspace.");
        }
        try {
            return Path.of(top.stdout().strip()).toRealPath();
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.GIT_FAILED,
                    "git named " + top.stdout().strip() + " as the repository of " + directory
                            + ", which cannot be read: " + e.getMessage());
        }
    }

    private boolean isOwned(Map<String, String> meta) {
        String path = meta.get(PATH_KEY);
        return OWNER.equals(meta.get(OWNER_KEY))
                && meta.get(REPOSITORY_KEY) != null
                && meta.get(BRANCH_KEY) != null
                && path != null
                && Path.of(path).normalize().startsWith(directory);
    }

    private boolean isRegistered(Path repository, Path path, String branch) {
        Git.Result list = git.run(repository, "worktree", "list", "--porcelain");
        if (!list.ok()) {
            return false;
        }
        String current = null;
        for (String line : list.stdout().split("\n")) {
            if (line.startsWith("worktree ")) {
                current = line.substring("worktree ".length()).strip();
            } else if (line.startsWith("branch ") && path.toString().equals(current)) {
                return line.substring("branch ".length()).strip().equals("refs/heads/" + branch);
            }
        }
        return false;
    }

    private String resolveCommit(Path repository, String ref) {
        Git.Result commit =
                git.run(repository, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}");
        if (!commit.ok()) {
            throw GatewayException.invalidArgument("worktree ref '" + ref + "' is not a commit of " + repository
                    + " (a branch, tag or commit id; default HEAD).");
        }
        return commit.stdout().strip();
    }

    /** The original's worktree name rule. */
    static String checkName(String name) {
        if (name.equals(".")
                || name.equals("..")
                || name.startsWith(".")
                || name.startsWith("-")
                || name.contains("..")
                || !NAME.matcher(name).matches()) {
            throw GatewayException.invalidArgument("worktree name '" + name + "' is not allowed: 1-64 characters of "
                    + "A-Z a-z 0-9 . _ -, not starting with '.' or '-', without '..'.");
        }
        return name;
    }

    private static String checkRef(String ref) {
        if (ref.isEmpty()
                || ref.length() > MAX_REF_CHARS
                || ref.startsWith("-")
                || ref.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            throw GatewayException.invalidArgument("worktree ref must be a git ref of 1-" + MAX_REF_CHARS
                    + " characters, not starting with '-', without spaces or control characters.");
        }
        return ref;
    }

    /** Session ids are letters, digits and . _ : -; a branch name cannot hold ':'. */
    private static String defaultName(String sessionId) {
        return sessionId.replace(':', '-');
    }

    private <T> T locked(IoCall<T> action) {
        try {
            return lock.locked(action);
        } catch (LockTimeoutException e) {
            throw new GatewayException(
                    ErrorCode.GIT_FAILED, "Another gateway process held worktrees.lock too long: " + e.getMessage());
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "The worktrees directory " + directory + " cannot be used: " + e.getMessage());
        }
    }
}
