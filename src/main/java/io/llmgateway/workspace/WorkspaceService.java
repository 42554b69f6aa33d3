package io.llmgateway.workspace;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The workspace tools' rules, as the original's: listing and inspecting registered workspaces (aliases, never file
 * listings), and, behind the admin gate {@value #ADMIN_VARIABLE}{@code =1}, creating a folder or git repository under
 * an allowed root or registering an existing repository there.
 */
public final class WorkspaceService {
    public static final String ADMIN_VARIABLE = "LLM_GATEWAY_WORKSPACE_ADMIN";

    private final RegistryFiles files;
    private final Git git;
    private final Path dataDir;
    private final boolean adminEnabled;

    public WorkspaceService(RegistryFiles files, Git git, Path dataDir, Map<String, String> environment) {
        this.files = files;
        this.git = git;
        this.dataDir = dataDir;
        this.adminEnabled = "1".equals(environment.get(ADMIN_VARIABLE));
    }

    /** A workspace as the tools show it: its entry plus, for a git repository, the current branch and whether it has changes. */
    public record WorkspaceView(WorkspaceRepo repo, String branch, boolean dirty) {}

    public WorkspaceRegistry registry() {
        return files.load();
    }

    public WorkspaceView describe(WorkspaceRepo repo) {
        if (repo.kind() != WorkspaceRepo.Kind.GIT) {
            return new WorkspaceView(repo, null, false);
        }
        Git.Result branch = git.run(repo.path(), "branch", "--show-current");
        Git.Result status = git.run(repo.path(), "status", "--porcelain");
        return new WorkspaceView(
                repo,
                branch.ok() && !branch.stdout().isBlank() ? branch.stdout().strip() : null,
                status.ok() && !status.stdout().isBlank());
    }

    public WorkspaceView get(String alias) {
        WorkspacePaths.checkAlias(alias, GatewayException::invalidArgument);
        WorkspaceRegistry registry = files.load();
        return describe(registry.require(alias));
    }

    /** Creates {@code <root>/<slug>} (mode 0700; {@code git init} for a git workspace) and registers it as {@code alias}. */
    public WorkspaceView create(
            String alias, String rootAlias, String slug, WorkspaceRepo.Kind kind, boolean setDefault) {
        requireAdmin("workspace_create");
        WorkspaceRegistry registry = checkedFreeAlias(alias);
        WorkspacePaths.checkAlias(rootAlias, GatewayException::invalidArgument);
        AllowedRoot root = registry.allowedRoots().stream()
                .filter(r -> r.alias().equals(rootAlias))
                .findFirst()
                .orElseThrow(() -> registry.unknown("allowed root", rootAlias));
        if (!root.allowCreateDirectories()) {
            throw GatewayException.invalidArgument(
                    "Allowed root \"" + rootAlias + "\" does not permit creation (allow_create_directories).");
        }
        if (kind == WorkspaceRepo.Kind.GIT && !root.allowInitGitRepos()) {
            throw GatewayException.invalidArgument(
                    "Allowed root \"" + rootAlias + "\" does not permit git init (allow_init_git_repos).");
        }
        List<String> segments =
                WorkspacePaths.slugSegments(slug, root.maxCreateDepth(), GatewayException::invalidArgument);
        Path target = root.path();
        for (String segment : segments) {
            target = target.resolve(segment);
        }
        Path parent = WorkspacePaths.realExisting(target.getParent(), GatewayException::invalidArgument);
        if (!WorkspacePaths.isUnder(root.path(), parent)) {
            throw GatewayException.invalidArgument("Workspace parent escapes the allowed root.");
        }
        Path created = makeDirectory(parent.resolve(target.getFileName()));
        if (!WorkspacePaths.isUnder(root.path(), created)) {
            throw GatewayException.invalidArgument("Workspace target escapes the allowed root.");
        }
        refuseDataDirectory(created);
        if (kind == WorkspaceRepo.Kind.GIT) {
            git.require(created, "git init", "init", "--quiet");
        }
        WorkspaceRepo repo = new WorkspaceRepo(
                alias, created, List.of(ProviderId.values()), kind == WorkspaceRepo.Kind.GIT, false, kind, false);
        files.register(repo, setDefault, now -> requireFree(now, alias));
        return describe(repo);
    }

    /** Registers an existing git repository under an allowed root that permits it. */
    public WorkspaceView register(String alias, String path, boolean setDefault) {
        requireAdmin("workspace_register_existing_repo");
        WorkspaceRegistry registry = checkedFreeAlias(alias);
        Path real = WorkspacePaths.realExisting(path, GatewayException::invalidArgument);
        refuseDataDirectory(real);
        if (!WorkspacePaths.isGitRepository(real)) {
            throw GatewayException.invalidArgument("Existing workspace must be a Git repo: " + real + " has no .git.");
        }
        boolean permitted = registry.allowedRoots().stream()
                .filter(root -> WorkspacePaths.isUnder(root.path(), real))
                .findFirst()
                .map(AllowedRoot::allowRegisterExistingGitRepos)
                .orElse(false);
        if (!permitted) {
            throw GatewayException.invalidArgument(
                    "No allowed root permits registering this Git repo (allow_register_existing_git_repos).");
        }
        WorkspaceRepo repo = new WorkspaceRepo(
                alias, real, List.of(ProviderId.values()), true, false, WorkspaceRepo.Kind.GIT, false);
        files.register(repo, setDefault, now -> requireFree(now, alias));
        return describe(repo);
    }

    private WorkspaceRegistry checkedFreeAlias(String alias) {
        WorkspacePaths.checkAlias(alias, GatewayException::invalidArgument);
        WorkspaceRegistry registry = files.load();
        requireFree(registry, alias);
        return registry;
    }

    private static void requireFree(WorkspaceRegistry registry, String alias) {
        if (registry.find(alias).isPresent()) {
            throw GatewayException.invalidArgument("Workspace alias \"" + alias + "\" already exists.");
        }
    }

    /** The target: created (0700), or an empty directory that is there already. */
    private static Path makeDirectory(Path target) {
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw GatewayException.invalidArgument(
                            "Workspace target " + target + " exists and is not a directory.");
                }
                try (Stream<Path> entries = Files.list(target)) {
                    if (entries.findAny().isPresent()) {
                        throw GatewayException.invalidArgument(
                                "Workspace target " + target + " exists and is not empty.");
                    }
                }
            }
            PrivateFiles.createDirectories(target);
            return target.toRealPath();
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Workspace directory " + target + " cannot be created: " + e.getMessage());
        }
    }

    private void refuseDataDirectory(Path real) {
        if (WorkspacePaths.isUnder(dataDir, real) || WorkspacePaths.isUnder(real, dataDir)) {
            throw GatewayException.invalidArgument(
                    "A workspace must not contain or be inside the gateway's data directory " + dataDir + ".");
        }
    }

    private void requireAdmin(String tool) {
        if (!adminEnabled) {
            throw new GatewayException(
                    ErrorCode.WORKSPACE_ADMIN_REQUIRED,
                    tool + " requires " + ADMIN_VARIABLE
                            + "=1 in the gateway's environment (set by the operator who starts it).");
        }
    }
}
