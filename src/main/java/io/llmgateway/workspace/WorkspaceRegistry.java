package io.llmgateway.workspace;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The registered workspaces as read at one moment: the operator's {@code [workspaces]} of config.toml plus
 * the registrations the workspace tools made. A config.toml section with any invalid entry disables the
 * whole registry (as in the original), with the reason among the warnings.
 *
 * @param defaultAlias the workspace a request runs in when it names no directory, workspace or session
 * @param configFile   the config.toml read, or null when there is none
 */
public record WorkspaceRegistry(
        boolean enabled,
        String defaultAlias,
        List<WorkspaceRepo> repos,
        List<AllowedRoot> allowedRoots,
        Path configFile,
        List<String> warnings) {

    public WorkspaceRegistry {
        repos = List.copyOf(repos);
        allowedRoots = List.copyOf(allowedRoots);
        warnings = List.copyOf(warnings);
    }

    static WorkspaceRegistry disabled(Path configFile, List<String> warnings) {
        return new WorkspaceRegistry(false, null, List.of(), List.of(), configFile, warnings);
    }

    public Optional<WorkspaceRepo> find(String alias) {
        return repos.stream().filter(repo -> repo.alias().equals(alias)).findFirst();
    }

    /** The workspace {@code alias}; workspace_not_found (with the registry's warnings) when there is none. */
    public WorkspaceRepo require(String alias) {
        return find(alias).orElseThrow(() -> unknown("workspace", alias));
    }

    GatewayException unknown(String what, String alias) {
        return new GatewayException(
                ErrorCode.WORKSPACE_NOT_FOUND,
                "Unknown " + what + " alias \"" + alias + "\"; workspace_list shows the registered ones"
                        + (warnings.isEmpty() ? "." : " (" + String.join(" ", warnings) + ")"));
    }
}
