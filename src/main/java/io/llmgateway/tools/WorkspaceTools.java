package io.llmgateway.tools;

import io.llmgateway.core.ProviderId;
import io.llmgateway.workspace.AllowedRoot;
import io.llmgateway.workspace.WorkspaceRegistry;
import io.llmgateway.workspace.WorkspaceRepo;
import io.llmgateway.workspace.WorkspaceService;
import java.util.List;
import java.util.Map;

/**
 * The original's workspace tools: workspace_list and workspace_get (read-only, aliases and summary data, never file
 * listings), workspace_create and workspace_register_existing_repo (behind {@code LLM_GATEWAY_WORKSPACE_ADMIN=1}).
 */
public final class WorkspaceTools {
    private final WorkspaceService workspaces;

    public WorkspaceTools(WorkspaceService workspaces) {
        this.workspaces = workspaces;
    }

    public List<GatewayTool> tools() {
        return List.of(list(), get(), create(), register());
    }

    private GatewayTool list() {
        ToolDefinition definition = new ToolDefinition(
                "workspace_list",
                "List workspaces",
                "List registered workspace aliases (config.toml [workspaces] and workspaces.json) with summary metadata, "
                        + "and the allowed roots. Runs git branch/status in each git workspace; does not browse files.",
                Schemas.input().build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("enabled", Schemas.bool("False when nothing is registered or the config is invalid."))
                        .required("default", Schemas.nullable(Schemas.string(null)))
                        .required("workspaces", Schemas.arrayOf(workspaceSchema(), null))
                        .required(
                                "allowed_roots",
                                Schemas.arrayOf(
                                        Schemas.output()
                                                .required("alias", Schemas.string(null))
                                                .required("path", Schemas.string(null))
                                                .required("allow_register_existing_git_repos", Schemas.bool(null))
                                                .required("allow_create_directories", Schemas.bool(null))
                                                .required("allow_init_git_repos", Schemas.bool(null))
                                                .required("max_create_depth", Schemas.integer(null))
                                                .build(),
                                        null))
                        .required("warnings", Schemas.stringArray("Why entries or the registry are not used."))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            WorkspaceRegistry registry = workspaces.registry();
            return ToolResult.success(StructuredContent.object(
                    "success",
                    true,
                    "enabled",
                    registry.enabled(),
                    "default",
                    registry.defaultAlias(),
                    "workspaces",
                    registry.repos().stream()
                            .map(repo -> workspace(workspaces.describe(repo)))
                            .toList(),
                    "allowed_roots",
                    registry.allowedRoots().stream().map(WorkspaceTools::root).toList(),
                    "warnings",
                    registry.warnings()));
        });
    }

    private GatewayTool get() {
        ToolDefinition definition = new ToolDefinition(
                "workspace_get",
                "Get workspace",
                "Inspect one registered workspace alias: path, kind, providers, worktree permission, git branch and "
                        + "whether it has uncommitted changes. Does not list files.",
                Schemas.input()
                        .required("alias", aliasSchema("Registered workspace alias."))
                        .build(),
                workspaceResultSchema(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(
                definition,
                call -> workspaceResult(workspaces.get(call.arguments().requiredString("alias"))));
    }

    private GatewayTool create() {
        ToolDefinition definition = new ToolDefinition(
                "workspace_create",
                "Create workspace",
                "Create a new local folder or git repository (git init) under a configured allowed root and register it. "
                        + "Requires LLM_GATEWAY_WORKSPACE_ADMIN=1 and a root permitting it.",
                Schemas.input()
                        .required("alias", aliasSchema("Alias for the new workspace."))
                        .required("root", aliasSchema("Allowed-root alias from workspace_list."))
                        .required(
                                "slug", Schemas.string("Safe relative path under the allowed root (1-255 characters)."))
                        .optional("kind", Schemas.stringEnum(List.of("git", "folder"), "Default git."))
                        .optional("setDefault", Schemas.bool("Make it the default workspace (default false)."))
                        .build(),
                workspaceResultSchema(),
                ToolDefinition.hints(false, true, false, false));
        return new GatewayTool(definition, call -> {
            Arguments args = call.arguments();
            String slug = args.requiredString("slug");
            if (slug.isEmpty() || slug.length() > 255) {
                throw io.llmgateway.core.GatewayException.invalidArgument("slug must be 1-255 characters.");
            }
            WorkspaceRepo.Kind kind = args.string("kind").orElse("git").equals("folder")
                    ? WorkspaceRepo.Kind.FOLDER
                    : WorkspaceRepo.Kind.GIT;
            return workspaceResult(workspaces.create(
                    args.requiredString("alias"),
                    args.requiredString("root"),
                    slug,
                    kind,
                    args.bool("setDefault", false)));
        });
    }

    private GatewayTool register() {
        ToolDefinition definition = new ToolDefinition(
                "workspace_register_existing_repo",
                "Register workspace",
                "Register an existing local git repository under an allowed root that permits it, as a workspace alias. "
                        + "Requires LLM_GATEWAY_WORKSPACE_ADMIN=1.",
                Schemas.input()
                        .required("alias", aliasSchema("Alias for the workspace."))
                        .required(
                                "path",
                                Schemas.string("Absolute path to an existing git repository under an allowed root."))
                        .optional("setDefault", Schemas.bool("Make it the default workspace (default false)."))
                        .build(),
                workspaceResultSchema(),
                ToolDefinition.hints(false, false, false, false));
        return new GatewayTool(definition, call -> {
            Arguments args = call.arguments();
            return workspaceResult(workspaces.register(
                    args.requiredString("alias"), args.requiredString("path"), args.bool("setDefault", false)));
        });
    }

    /** What workspace_get, workspace_create and workspace_register_existing_repo return: the original's shape. */
    private static ToolResult workspaceResult(WorkspaceService.WorkspaceView view) {
        return ToolResult.success(StructuredContent.object("success", true, "workspace", workspace(view)));
    }

    private static Map<String, Object> workspaceResultSchema() {
        return Schemas.output()
                .required("success", Schemas.bool(null))
                .required("workspace", workspaceSchema())
                .build();
    }

    private static Map<String, Object> aliasSchema(String description) {
        return Schemas.string(description + " 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter.");
    }

    private static Map<String, Object> workspace(WorkspaceService.WorkspaceView view) {
        WorkspaceRepo repo = view.repo();
        return StructuredContent.object(
                "alias",
                repo.alias(),
                "path",
                repo.path().toString(),
                "kind",
                repo.kind().wireName(),
                "providers",
                repo.providers().stream().map(ProviderId::wireName).toList(),
                "allow_worktree",
                repo.allowWorktree(),
                "allow_add_dir",
                repo.allowAddDir(),
                "operator_entry",
                repo.operatorEntry(),
                "branch",
                view.branch(),
                "dirty",
                view.dirty());
    }

    private static Map<String, Object> root(AllowedRoot root) {
        return StructuredContent.object(
                "alias",
                root.alias(),
                "path",
                root.path().toString(),
                "allow_register_existing_git_repos",
                root.allowRegisterExistingGitRepos(),
                "allow_create_directories",
                root.allowCreateDirectories(),
                "allow_init_git_repos",
                root.allowInitGitRepos(),
                "max_create_depth",
                root.maxCreateDepth());
    }

    private static Map<String, Object> workspaceSchema() {
        return Schemas.output()
                .required("alias", Schemas.string(null))
                .required("path", Schemas.string(null))
                .required("kind", Schemas.stringEnum(List.of("git", "folder"), null))
                .required("providers", Schemas.stringArray(null))
                .required("allow_worktree", Schemas.bool(null))
                .required("allow_add_dir", Schemas.bool(null))
                .required(
                        "operator_entry", Schemas.bool("From config.toml, rather than registered by a workspace tool."))
                .required("branch", Schemas.nullable(Schemas.string("Current git branch.")))
                .required("dirty", Schemas.bool("Uncommitted changes (git status)."))
                .build();
    }
}
