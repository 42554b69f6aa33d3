package io.llmgateway.tools;

import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionService;
import io.llmgateway.workspace.Worktrees;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The six session tools of the contract: thin adapters over {@link SessionService}, for the calling grant; deleting
 * sessions also releases their worktrees ({@link Worktrees#release}).
 */
public final class SessionTools {
    static final int DEFAULT_LIST_LIMIT = 100;
    static final int MAX_LIST_LIMIT = 1000;
    static final int MAX_OFFSET = 100_000_000;

    private final SessionService sessions;
    private final Worktrees worktrees;

    public SessionTools(SessionService sessions, Worktrees worktrees) {
        this.sessions = sessions;
        this.worktrees = worktrees;
    }

    public List<GatewayTool> tools() {
        return List.of(create(), list(), get(), setActive(), delete(), clearAll());
    }

    private GatewayTool create() {
        ToolDefinition definition = new ToolDefinition(
                "session_create",
                "Create gateway session",
                "Create a gateway session record (gw-* id) for a provider; the provider's own session id is attached "
                        + "when a request runs under it.",
                Schemas.input()
                        .required("cli", cliSchema("Provider the session belongs to."))
                        .optional(
                                "description",
                                Schemas.string("Free text, at most 1,000 characters. Default: '<Provider> session'."))
                        .optional("setAsActive", Schemas.bool("Make it the provider's active session (default true)."))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("session", sessionSchema(false))
                        .build(),
                ToolDefinition.hints(false, false, false, false));
        return new GatewayTool(
                definition,
                (args, caller) -> {
                    Map<String, Object> canonical = new LinkedHashMap<>(args.asMap());
                    args.string("description").ifPresent(SessionService::checkDescription);
                    canonical.put("setAsActive", args.bool("setAsActive", true));
                    return canonical;
                },
                call -> {
                    Arguments args = call.arguments();
                    SessionService.SessionView view = sessions.create(
                            call.principal(),
                            args.provider("cli").orElseThrow(),
                            args.string("description").orElse(null),
                            args.bool("setAsActive", true));
                    return ToolResult.success(
                            StructuredContent.object("success", true, "session", sessionSummary(view)));
                });
    }

    private GatewayTool list() {
        ToolDefinition definition = new ToolDefinition(
                "session_list",
                "List gateway sessions",
                "List gateway session records and the active session per provider, optionally filtered by provider.",
                Schemas.input()
                        .optional("cli", cliSchema(null))
                        .optional("limit", Schemas.integer("Default 100, at most 1,000."))
                        .optional("offset", Schemas.integer(null))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("total", Schemas.integer(null))
                        .required("sessions", Schemas.arrayOf(sessionSchema(false), "Newest-used first."))
                        .required("activeSessions", activeSessionsSchema())
                        .optional("warnings", Schemas.stringArray("Store problems, e.g. a quarantined file."))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(
                definition,
                (args, caller) -> {
                    Map<String, Object> canonical = new LinkedHashMap<>(args.asMap());
                    canonical.put("limit", args.integerInRange("limit", DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT));
                    canonical.put("offset", args.integerInRange("offset", 0, 0, MAX_OFFSET));
                    return canonical;
                },
                call -> {
                    Arguments args = call.arguments();
                    SessionService.SessionPage page = sessions.list(
                            call.principal(),
                            args.provider("cli"),
                            args.integer("limit").orElseThrow().intValue(),
                            args.integer("offset").orElseThrow().intValue());
                    Map<String, Object> result = StructuredContent.object(
                            "success",
                            true,
                            "total",
                            page.total(),
                            "sessions",
                            page.sessions().stream()
                                    .map(SessionTools::sessionSummary)
                                    .toList(),
                            "activeSessions",
                            activeSessions(page.activeSessions()));
                    if (!page.warnings().isEmpty()) {
                        result.put("warnings", page.warnings());
                    }
                    return ToolResult.success(result);
                });
    }

    private GatewayTool get() {
        ToolDefinition definition = new ToolDefinition(
                "session_get",
                "Get gateway session",
                "Get one gateway session record by ID.",
                Schemas.input()
                        .required("sessionId", Schemas.string("gw-* id, or an imported bare id."))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("session", sessionSchema(true))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, (args, caller) -> checkedSessionId(args), call -> {
            SessionService.SessionView view =
                    sessions.get(call.principal(), call.arguments().requiredString("sessionId"));
            Map<String, Object> session = sessionSummary(view);
            session.put("metadata", view.record().metadata());
            return ToolResult.success(StructuredContent.object("success", true, "session", session));
        });
    }

    private GatewayTool setActive() {
        ToolDefinition definition = new ToolDefinition(
                "session_set_active",
                "Set active gateway session",
                "Set or clear the active session for a provider; the active session is used when a request omits sessionId.",
                Schemas.input()
                        .required("cli", cliSchema("Provider whose active session changes."))
                        .required(
                                "sessionId",
                                Schemas.nullable(Schemas.string("Session to make active, or null to clear.")))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("cli", Schemas.string(null))
                        .required("activeSessionId", Schemas.nullable(Schemas.string(null)))
                        .required("previousActiveSessionId", Schemas.nullable(Schemas.string(null)))
                        .build(),
                ToolDefinition.hints(false, false, true, false));
        return new GatewayTool(
                definition,
                (args, caller) -> {
                    args.string("sessionId").ifPresent(SessionService::checkId);
                    return args.asMap();
                },
                call -> {
                    Arguments args = call.arguments();
                    SessionService.ActiveChange change = sessions.setActive(
                            call.principal(),
                            args.provider("cli").orElseThrow(),
                            args.string("sessionId").orElse(null));
                    return ToolResult.success(StructuredContent.object(
                            "success",
                            true,
                            "cli",
                            change.cli().wireName(),
                            "activeSessionId",
                            change.activeSessionId(),
                            "previousActiveSessionId",
                            change.previousActiveSessionId()));
                });
    }

    private GatewayTool delete() {
        ToolDefinition definition = new ToolDefinition(
                "session_delete",
                "Delete gateway session",
                "Delete a gateway session record by ID. Its gateway-owned git worktree is removed too when it has no "
                        + "uncommitted work (its branch when it has no new commits); otherwise it is kept and reported.",
                Schemas.input()
                        .required("sessionId", Schemas.string("gw-* id, or an imported bare id."))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required(
                                "deletedSession",
                                Schemas.output()
                                        .required("id", Schemas.string(null))
                                        .required("cli", Schemas.string(null))
                                        .required("description", Schemas.string(null))
                                        .build())
                        .required("wasActive", Schemas.bool(null))
                        .optional("worktree", releaseSchema())
                        .build(),
                ToolDefinition.hints(false, true, true, false));
        return new GatewayTool(definition, (args, caller) -> checkedSessionId(args), call -> {
            SessionService.Deletion deletion =
                    sessions.delete(call.principal(), call.arguments().requiredString("sessionId"));
            SessionRecord r = deletion.deleted();
            Map<String, Object> result = StructuredContent.object(
                    "success",
                    true,
                    "deletedSession",
                    StructuredContent.object("id", r.id(), "cli", r.cli().wireName(), "description", r.description()),
                    "wasActive",
                    deletion.wasActive());
            worktrees.release(r).ifPresent(release -> result.put("worktree", release(release)));
            return ToolResult.success(result);
        });
    }

    private GatewayTool clearAll() {
        ToolDefinition definition = new ToolDefinition(
                "session_clear_all",
                "Delete all gateway sessions",
                "Delete all gateway session records, optionally scoped to one provider; their worktrees as session_delete "
                        + "does.",
                Schemas.input()
                        .optional("cli", cliSchema("Only delete this provider's sessions."))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("deletedCount", Schemas.integer(null))
                        .required("cli", Schemas.string(null))
                        .optional("worktrees", Schemas.arrayOf(releaseSchema(), "The deleted sessions' worktrees."))
                        .build(),
                ToolDefinition.hints(false, true, true, false));
        return new GatewayTool(definition, call -> {
            Optional<ProviderId> cli = call.arguments().provider("cli");
            SessionService.Cleared cleared = sessions.clearAll(call.principal(), cli);
            Map<String, Object> result = StructuredContent.object(
                    "success",
                    true,
                    "deletedCount",
                    cleared.liveCount(),
                    "cli",
                    cli.map(ProviderId::wireName).orElse("all"));
            List<Map<String, Object>> released = cleared.deleted().stream()
                    .map(worktrees::release)
                    .flatMap(Optional::stream)
                    .map(SessionTools::release)
                    .toList();
            if (!released.isEmpty()) {
                result.put("worktrees", released);
            }
            return ToolResult.success(result);
        });
    }

    private static Map<String, Object> release(Worktrees.Release release) {
        return StructuredContent.object(
                "path",
                release.path(),
                "branch",
                release.branch(),
                "outcome",
                release.outcome().wireName(),
                "removed",
                release.outcome() != Worktrees.Outcome.KEPT,
                "branchDeleted",
                release.branchDeleted(),
                "reason",
                release.reason());
    }

    private static Map<String, Object> releaseSchema() {
        return Schemas.output()
                .required("path", Schemas.string(null))
                .required("branch", Schemas.nullable(Schemas.string(null)))
                .required(
                        "outcome",
                        Schemas.stringEnum(
                                List.of("removed", "kept", "missing"),
                                "kept: still on disk, see reason; missing: it was already gone."))
                .required("removed", Schemas.bool("False when it is kept on disk."))
                .required("branchDeleted", Schemas.bool(null))
                .required("reason", Schemas.nullable(Schemas.string("Why it, or its branch, was kept.")))
                .build();
    }

    private static Map<String, Object> checkedSessionId(Arguments args) {
        SessionService.checkId(args.requiredString("sessionId"));
        return args.asMap();
    }

    static Map<String, Object> cliSchema(String description) {
        return Schemas.stringEnum(ProviderId.wireNames(), description);
    }

    static Map<String, Object> sessionSchema(boolean withMetadata) {
        Schemas.ObjectSchema schema = Schemas.output()
                .required("id", Schemas.string(null))
                .required("cli", Schemas.string(null))
                .required("description", Schemas.string(null))
                .required("createdAt", Schemas.string(null))
                .required("lastUsedAt", Schemas.string(null))
                .required("nativeSessionId", Schemas.nullable(Schemas.string(null)))
                .required("isActive", Schemas.bool(null))
                .required("ownerPrincipal", Schemas.string("Its grant (local over stdio)."));
        if (withMetadata) {
            schema.required("metadata", Schemas.stringMap(null));
        }
        return schema.build();
    }

    /** Every provider's active session id or null: one value schema for all of them, each name required. */
    private static Map<String, Object> activeSessionsSchema() {
        Map<String, Object> schema = Schemas.stringMap(null);
        schema.put("additionalProperties", Schemas.nullable(Schemas.string(null)));
        schema.put("required", ProviderId.wireNames());
        return schema;
    }

    static Map<String, Object> sessionSummary(SessionService.SessionView view) {
        SessionRecord r = view.record();
        return StructuredContent.object(
                "id",
                r.id(),
                "cli",
                r.cli().wireName(),
                "description",
                r.description(),
                "createdAt",
                r.createdAt().toString(),
                "lastUsedAt",
                r.lastUsedAt().toString(),
                "nativeSessionId",
                r.nativeSessionId(),
                "isActive",
                view.active(),
                "ownerPrincipal",
                r.owner() == null ? Principal.LOCAL_NAME : r.owner());
    }

    private static Map<String, Object> activeSessions(Map<ProviderId, String> active) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (ProviderId p : ProviderId.values()) {
            result.put(p.wireName(), active.get(p));
        }
        return result;
    }
}
