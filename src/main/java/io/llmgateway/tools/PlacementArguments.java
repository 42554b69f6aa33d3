package io.llmgateway.tools;

import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.Placement;
import io.llmgateway.workspace.PlacementRequest;
import io.llmgateway.workspace.Placements;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request tools' {@code workspace} and {@code worktree} arguments (the original's, see docs/PROVIDERS.md): their
 * schema, the {@link PlacementRequest} they make, and the canonical form the policy judges, which names the real
 * worktree ({@code worktree: {path, branch, repository, baseCommit, sessionId, create, owned}}) and the workspace
 * ({@code workspace}, {@code workspaceRoot}).
 */
final class PlacementArguments {
    static final String WORKSPACE = "workspace";
    static final String WORKSPACE_ROOT = "workspaceRoot";
    static final String WORKTREE = "worktree";

    private PlacementArguments() {}

    /** The arguments, for a provider that takes them ({@link Placements#appliesTo}). */
    static void addTo(ProviderId cli, Schemas.ObjectSchema schema) {
        if (!Placements.appliesTo(cli)) {
            return;
        }
        // anyOf, one type per branch: a type array is not portable (Gemini's function declarations)
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("type", "object");
        named.put(
                "properties",
                Map.of(
                        "name",
                        Schemas.string("Worktree and branch name."),
                        "ref",
                        Schemas.string("Commit, branch or tag it starts at.")));
        named.put("additionalProperties", false);
        Map<String, Object> worktree = new LinkedHashMap<>();
        worktree.put(
                "description",
                "Own git worktree for this session (under the data directory, branch gateway/<name>, reused, "
                        + "removed by session_delete when clean): true, or {name, ref} (default: session id, HEAD).");
        worktree.put("anyOf", List.of(Map.of("type", "boolean"), named));
        schema.optional(
                        WORKSPACE,
                        Schemas.string("A registered workspace alias (workspace_list) to run in; workingDir "
                                + "may then be relative to it."))
                .optional(WORKTREE, worktree);
    }

    static PlacementRequest request(ProviderId cli, Arguments args) {
        if (!Placements.appliesTo(cli)) {
            return PlacementRequest.NONE;
        }
        String workspace = args.string(WORKSPACE).orElse(null);
        Object worktree = args.asMap().get(WORKTREE);
        if (worktree instanceof Map<?, ?> spec) {
            return new PlacementRequest(workspace, true, text(spec.get("name")), text(spec.get("ref")));
        }
        return new PlacementRequest(workspace, Boolean.TRUE.equals(worktree), null, null);
    }

    static void putCanonical(Map<String, Object> args, Placement placement) {
        if (placement == null) {
            return;
        }
        if (placement.workspace() != null) {
            args.put(WORKSPACE, placement.workspace());
            args.put(WORKSPACE_ROOT, placement.workspaceRoot().toString());
        }
        Placement.Worktree w = placement.worktree();
        if (w != null) {
            args.put(
                    WORKTREE,
                    StructuredContent.object(
                            "path",
                            w.path().toString(),
                            "name",
                            w.name(),
                            "branch",
                            w.branch(),
                            "repository",
                            w.repository() == null ? null : w.repository().toString(),
                            "baseCommit",
                            w.baseCommit(),
                            "sessionId",
                            w.sessionId(),
                            "create",
                            w.create(),
                            "owned",
                            w.owned()));
        }
    }

    static Placement canonical(ProviderId cli, Arguments canonical) {
        if (!Placements.appliesTo(cli)) {
            return null;
        }
        String workspace = canonical.string(WORKSPACE).orElse(null);
        Placement.Worktree worktree = null;
        if (canonical.asMap().get(WORKTREE) instanceof Map<?, ?> w) {
            String repository = text(w.get("repository"));
            worktree = new Placement.Worktree(
                    text(w.get("sessionId")),
                    text(w.get("name")),
                    text(w.get("branch")),
                    repository == null ? null : Path.of(repository),
                    Path.of(text(w.get("path"))),
                    text(w.get("baseCommit")),
                    Boolean.TRUE.equals(w.get("create")),
                    Boolean.TRUE.equals(w.get("owned")));
        }
        if (workspace == null && worktree == null) {
            return null;
        }
        return new Placement(
                workspace, workspace == null ? null : Path.of(canonical.requiredString(WORKSPACE_ROOT)), worktree);
    }

    /** The line the original puts before a reply that ran in a worktree. */
    static String replyPrefix(Placement placement) {
        return placement == null || placement.worktree() == null
                ? ""
                : "[gateway] worktree=" + placement.worktree().path() + "\n";
    }

    /** The result's {@code worktree} field: where the request ran. */
    static Map<String, Object> resultField(Placement placement) {
        Placement.Worktree w = placement.worktree();
        return StructuredContent.object("path", w.path().toString(), "branch", w.branch(), "created", w.create());
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }
}
