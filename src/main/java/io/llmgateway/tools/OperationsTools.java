package io.llmgateway.tools;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.job.JobRecord;
import io.llmgateway.model.ModelAlias;
import io.llmgateway.model.ModelCatalog;
import io.llmgateway.model.ModelInfo;
import io.llmgateway.model.ProviderModels;
import io.llmgateway.ops.ProbeResult;
import io.llmgateway.ops.ProcessHealth;
import io.llmgateway.ops.ProviderProber;
import io.llmgateway.policy.PolicyStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The read-only operations tools: list_models, list_available_models, cli_versions, llm_process_health. */
public final class OperationsTools {
    private static final List<String> SOURCES = List.of("bundled", "user-config", "environment");

    private final ModelCatalog models;
    private final ProviderProber prober;
    private final ProcessHealth health;

    public OperationsTools(ModelCatalog models, ProviderProber prober, ProcessHealth health) {
        this.models = models;
        this.prober = prober;
        this.health = health;
    }

    public List<GatewayTool> tools() {
        return List.of(listModels(), listAvailableModels(), cliVersions(), processHealth());
    }

    private GatewayTool listAvailableModels() {
        ToolDefinition definition = new ToolDefinition(
                "list_available_models",
                "All provider models",
                "Read-only: the models, aliases and default of every provider CLI in the original gateway's shape "
                        + "(models keyed by cli; takes no arguments; list_models has the sources).",
                Schemas.input().build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("models", Schemas.object("Per cli: description, models, defaultModel, aliases."))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            Map<String, Object> byCli = new LinkedHashMap<>();
            models.all().forEach(p -> byCli.put(p.cli().wireName(), cliInfo(p)));
            return ToolResult.success(StructuredContent.object("success", true, "models", byCli));
        });
    }

    /**
     * One provider's models in the original's {@code CliInfo} shape (list_available_models, models://{cli}):
     * {@code models} maps id to description, {@code aliases} alias to target, {@code modelOrder} keeps the order.
     */
    static Map<String, Object> cliInfo(ProviderModels p) {
        Map<String, Object> described = new LinkedHashMap<>();
        p.models().forEach(m -> described.put(m.id(), m.description() == null ? "" : m.description()));
        Map<String, Object> aliases = new LinkedHashMap<>();
        p.aliases().forEach(a -> aliases.put(a.alias(), a.target()));
        return StructuredContent.object(
                "description",
                p.cli().displayName() + " CLI"
                        + (p.observedOn() == null ? "" : " (models as of " + p.observedOn() + ")"),
                "models",
                described,
                "defaultModel",
                p.defaultModel(),
                "defaultModelSource",
                p.defaultSource().wireName(),
                "modelOrder",
                p.models().stream().map(ModelInfo::id).toList(),
                "aliases",
                aliases,
                "warnings",
                p.warnings());
    }

    private GatewayTool listModels() {
        ToolDefinition definition = new ToolDefinition(
                "list_models",
                "List models",
                "Read-only: per provider, known models, aliases and the default, from the bundled table and the "
                        + "user's CLI settings, each with its source; request tools resolve 'model' through it.",
                Schemas.input().optional("cli", SessionTools.cliSchema(null)).build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("providers", Schemas.arrayOf(providerModelsSchema(), null))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            Optional<ProviderId> cli = call.arguments().provider("cli");
            List<ProviderModels> selected =
                    cli.map(p -> List.of(models.models(p))).orElseGet(models::all);
            return ToolResult.success(StructuredContent.object(
                    "success",
                    true,
                    "providers",
                    selected.stream().map(OperationsTools::providerModels).toList()));
        });
    }

    private GatewayTool cliVersions() {
        ToolDefinition definition = new ToolDefinition(
                "cli_versions",
                "Provider CLI versions and login",
                "Read-only: per provider CLI, installed or not, path, version, login status. Runs each CLI's "
                        + "--version and login-status commands in parallel (each bounded by "
                        + GatewayConfig.PROBE_TIMEOUT_VARIABLE + ").",
                Schemas.input().optional("cli", SessionTools.cliSchema(null)).build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("timeoutMs", Schemas.integer(null))
                        .required("providers", Schemas.arrayOf(cliStatusSchema(), null))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            List<ProviderId> selected =
                    call.arguments().provider("cli").map(List::of).orElse(List.of(ProviderId.values()));
            return ToolResult.success(StructuredContent.object(
                    "success",
                    true,
                    "timeoutMs",
                    prober.timeout().toMillis(),
                    "providers",
                    prober.probe(selected).stream()
                            .map(OperationsTools::cliStatus)
                            .toList()));
        });
    }

    private GatewayTool processHealth() {
        ToolDefinition definition = new ToolDefinition(
                "llm_process_health",
                "Gateway process health",
                "Read-only: this gateway's version, uptime, data directory, store health, running and queued jobs "
                        + "with their processes, and policy status.",
                Schemas.input().build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("healthy", Schemas.bool(null))
                        .required(
                                "gateway",
                                Schemas.output()
                                        .required("version", Schemas.string(null))
                                        .required("pid", Schemas.integer(null))
                                        .required("startedAt", Schemas.nullable(Schemas.string(null)))
                                        .required("uptimeSeconds", Schemas.integer(null))
                                        .required("java", Schemas.string(null))
                                        .required("dataDir", Schemas.string(null))
                                        .build())
                        .required(
                                "store",
                                Schemas.output()
                                        .required(
                                                "status",
                                                Schemas.stringEnum(List.of("ok", "degraded", "unavailable"), null))
                                        .required(
                                                "sessions", Schemas.nullable(Schemas.integer("Null when unreadable.")))
                                        .required("warnings", Schemas.stringArray(null))
                                        .build())
                        .required(
                                "jobs",
                                Schemas.nullable(
                                        Schemas.arrayOf(activeJobSchema(), "Of every gateway on the data directory.")))
                        .required(
                                "policy",
                                Schemas.output()
                                        .required("path", Schemas.string(null))
                                        .required("loaded", Schemas.bool("False: no policy file, every tool allowed."))
                                        .required("summary", Schemas.nullable(Schemas.string(null)))
                                        .required(
                                                "rejectedEdit",
                                                Schemas.nullable(
                                                        Schemas.string(
                                                                "Why the latest edit was not applied (the previous policy stays).")))
                                        .required("description", Schemas.string(null))
                                        .build())
                        .required("warnings", Schemas.stringArray("What needs attention, with what to do."))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            ProcessHealth.Report report = health.report(call.principal());
            PolicyStatus policy = report.policy();
            return ToolResult.success(StructuredContent.object(
                    "success",
                    true,
                    "healthy",
                    report.warnings().isEmpty(),
                    "gateway",
                    StructuredContent.object(
                            "version",
                            report.version(),
                            "pid",
                            report.pid(),
                            "startedAt",
                            report.startedAt() == null
                                    ? null
                                    : report.startedAt().toString(),
                            "uptimeSeconds",
                            report.uptime().toSeconds(),
                            "java",
                            report.java(),
                            "dataDir",
                            report.dataDir().toString()),
                    "store",
                    StructuredContent.object(
                            "status",
                            report.storeStatus(),
                            "sessions",
                            report.sessions(),
                            "warnings",
                            report.storeWarnings()),
                    "jobs",
                    report.activeJobs() == null
                            ? null
                            : report.activeJobs().stream()
                                    .map(OperationsTools::activeJob)
                                    .toList(),
                    "policy",
                    StructuredContent.object(
                            "path",
                            policy.path().toString(),
                            "loaded",
                            policy.loaded(),
                            "summary",
                            policy.summary(),
                            "rejectedEdit",
                            policy.rejectedEdit(),
                            "description",
                            policy.describe()),
                    "warnings",
                    report.warnings()));
        });
    }

    private static Map<String, Object> providerModels(ProviderModels p) {
        return StructuredContent.object(
                "cli",
                p.cli().wireName(),
                "default",
                StructuredContent.object(
                        "model",
                        p.defaultModel(),
                        "source",
                        p.defaultSource().wireName(),
                        "origin",
                        p.defaultOrigin(),
                        "note",
                        p.defaultNote()),
                "observedOn",
                p.observedOn(),
                "models",
                p.models().stream().map(OperationsTools::model).toList(),
                "aliases",
                p.aliases().stream().map(OperationsTools::alias).toList(),
                "warnings",
                p.warnings());
    }

    /** A job and the process that carries it: its supervisor, or the gateway running a deferred request. */
    private static Map<String, Object> activeJob(JobRecord job) {
        ProcessRef runner = job.runner();
        return StructuredContent.object(
                "jobId",
                job.id(),
                "cli",
                job.cli().wireName(),
                "status",
                job.status().wireName(),
                "deferred",
                job.deferred(),
                "createdAt",
                job.createdAt().toString(),
                "startedAt",
                job.startedAt() == null ? null : job.startedAt().toString(),
                "process",
                runner == null
                        ? null
                        : StructuredContent.object(
                                "pid", runner.pid(), "alive", runner.isAlive(), "local", runner.isLocal()),
                "cancelRequested",
                job.cancelRequested());
    }

    private static Map<String, Object> activeJobSchema() {
        return Schemas.output()
                .required("jobId", Schemas.string(null))
                .required("cli", Schemas.string(null))
                .required("status", Schemas.stringEnum(List.of("running", "queued"), null))
                .required("deferred", Schemas.bool(null))
                .required("createdAt", Schemas.string(null))
                .required("startedAt", Schemas.nullable(Schemas.string(null)))
                .required(
                        "process",
                        Schemas.nullable(Schemas.output()
                                .required("pid", Schemas.integer(null))
                                .required("alive", Schemas.bool(null))
                                .required("local", Schemas.bool("False: in another machine view (container)."))
                                .build()))
                .required("cancelRequested", Schemas.bool(null))
                .build();
    }

    private static Map<String, Object> model(ModelInfo m) {
        return StructuredContent.object(
                "id",
                m.id(),
                "description",
                m.description(),
                "source",
                m.source().wireName(),
                "origin",
                m.origin());
    }

    private static Map<String, Object> alias(ModelAlias a) {
        return StructuredContent.object(
                "alias",
                a.alias(),
                "target",
                a.target(),
                "resolvedBy",
                a.resolvedBy().wireName(),
                "source",
                a.source().wireName(),
                "origin",
                a.origin());
    }

    private static Map<String, Object> cliStatus(ProbeResult s) {
        return StructuredContent.object(
                "cli",
                s.cli().wireName(),
                "command",
                s.command(),
                "commandOverridden",
                s.overridden(),
                "installed",
                s.installed(),
                "path",
                s.path(),
                "version",
                s.version(),
                "versionText",
                s.versionText(),
                "login",
                StructuredContent.object(
                        "status",
                        s.login().state().wireName(),
                        "method",
                        s.login().method(),
                        "detail",
                        s.login().detail()),
                "problem",
                s.problem(),
                "probeMs",
                s.probeMillis());
    }

    private static Map<String, Object> providerModelsSchema() {
        return Schemas.output()
                .required("cli", Schemas.string(null))
                .required(
                        "default",
                        Schemas.output()
                                .required("model", Schemas.nullable(Schemas.string(null)))
                                .required("source", Schemas.stringEnum(SOURCES, null))
                                .required("origin", Schemas.nullable(Schemas.string(null)))
                                .required("note", Schemas.nullable(Schemas.string(null)))
                                .build())
                .required("observedOn", Schemas.nullable(Schemas.string(null)))
                .required(
                        "models",
                        Schemas.arrayOf(
                                Schemas.output()
                                        .required("id", Schemas.string(null))
                                        .required("description", Schemas.nullable(Schemas.string(null)))
                                        .required("source", Schemas.stringEnum(SOURCES, null))
                                        .required("origin", Schemas.nullable(Schemas.string(null)))
                                        .build(),
                                null))
                .required(
                        "aliases",
                        Schemas.arrayOf(
                                Schemas.output()
                                        .required("alias", Schemas.string(null))
                                        .required("target", Schemas.nullable(Schemas.string(null)))
                                        .required("resolvedBy", Schemas.stringEnum(List.of("cli", "gateway"), null))
                                        .required("source", Schemas.stringEnum(SOURCES, null))
                                        .required("origin", Schemas.nullable(Schemas.string(null)))
                                        .build(),
                                null))
                .required("warnings", Schemas.stringArray(null))
                .build();
    }

    private static Map<String, Object> cliStatusSchema() {
        return Schemas.output()
                .required("cli", Schemas.string(null))
                .required("command", Schemas.string(null))
                .required("commandOverridden", Schemas.bool(null))
                .required("installed", Schemas.bool(null))
                .required("path", Schemas.nullable(Schemas.string(null)))
                .required("version", Schemas.nullable(Schemas.string(null)))
                .required("versionText", Schemas.nullable(Schemas.string(null)))
                .required(
                        "login",
                        Schemas.output()
                                .required(
                                        "status",
                                        Schemas.stringEnum(List.of("logged_in", "not_logged_in", "unknown"), null))
                                .required("method", Schemas.nullable(Schemas.string(null)))
                                .required("detail", Schemas.string(null))
                                .build())
                .required("problem", Schemas.nullable(Schemas.string(null)))
                .required("probeMs", Schemas.integer(null))
                .build();
    }
}
