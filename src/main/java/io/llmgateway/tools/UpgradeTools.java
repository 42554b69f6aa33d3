package io.llmgateway.tools;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.ops.CliUpgrader;
import io.llmgateway.ops.ProbeResult;
import io.llmgateway.ops.ProviderProber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cli_upgrade, as the original has it: a plan by default, the upgrade itself only with {@code dryRun:false},
 * and only for the local (stdio) caller. A thin adapter over {@link CliUpgrader} and {@link ProviderProber}.
 */
public final class UpgradeTools {
    static final long MIN_TIMEOUT_MS = 30_000;
    static final long MAX_TIMEOUT_MS = 3_600_000;

    private final CliUpgrader upgrader;
    private final ProviderProber prober;

    public UpgradeTools(CliUpgrader upgrader, ProviderProber prober) {
        this.upgrader = upgrader;
        this.prober = prober;
    }

    public List<GatewayTool> tools() {
        return List.of(cliUpgrade());
    }

    private GatewayTool cliUpgrade() {
        ToolDefinition definition = new ToolDefinition(
                "cli_upgrade",
                "Upgrade provider CLI",
                "Plan (dryRun, default true) or run an upgrade of one provider CLI with its own update mechanism "
                        + "(its update command, npm, pip, uv or brew); dryRun:false installs software from the "
                        + "network. Without cli: the plan for every provider. Local (stdio) callers only.",
                Schemas.input()
                        .optional("cli", SessionTools.cliSchema("The CLI to upgrade (required with dryRun:false)."))
                        .optional("target", Schemas.string("Version or dist-tag (default latest)."))
                        .optional("dryRun", Schemas.bool("Only return the plan (default true)."))
                        .optional(
                                "timeoutMs",
                                Schemas.integer("Upgrade time limit with dryRun:false (default 600000, "
                                        + MIN_TIMEOUT_MS + " to " + MAX_TIMEOUT_MS + ")."))
                        .build(),
                Schemas.output()
                        .required("success", Schemas.bool(null))
                        .required("dryRun", Schemas.bool(null))
                        .optional("plan", Schemas.object("The command that upgrades it."))
                        .optional("installed", Schemas.object("The installed CLI before the upgrade."))
                        .optional("plans", Schemas.arrayOf(Schemas.object(null), "Without cli: one per provider."))
                        .optional("exitCode", Schemas.nullable(Schemas.integer(null)))
                        .optional("termination", Schemas.string(null))
                        .optional("stdout", Schemas.string(null))
                        .optional("stderr", Schemas.string(null))
                        .build(),
                ToolDefinition.hints(false, true, false, true));
        return new GatewayTool(definition, call -> {
            if (!call.principal().isLocal()) {
                throw new GatewayException(
                        ErrorCode.POLICY_DENIED, "cli_upgrade is restricted to a local gateway caller");
            }
            Arguments args = call.arguments();
            String target = args.string("target").orElse("latest");
            boolean dryRun = args.bool("dryRun", true);
            long timeoutMs = args.integerInRange(
                    "timeoutMs", CliUpgrader.DEFAULT_TIMEOUT.toMillis(), MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
            Optional<ProviderId> cli = args.provider("cli");
            if (cli.isEmpty()) {
                if (!dryRun) {
                    throw new InvalidParamsException("dryRun:false upgrades one CLI: name it in cli.");
                }
                List<Map<String, Object>> plans = new ArrayList<>();
                List<ProbeResult> probes = prober.probe(List.of(ProviderId.values()));
                for (ProbeResult probe : probes) {
                    Map<String, Object> entry =
                            StructuredContent.object("cli", probe.cli().wireName());
                    entry.put("installed", installed(probe));
                    try {
                        entry.put("plan", plan(upgrader.plan(probe.cli(), target)));
                    } catch (GatewayException e) {
                        entry.put("plan", null);
                        entry.put("error", e.getMessage());
                    }
                    plans.add(entry);
                }
                return ToolResult.success(StructuredContent.object("success", true, "dryRun", true, "plans", plans));
            }
            CliUpgrader.Plan plan = upgrader.plan(cli.get(), target);
            Map<String, Object> installed =
                    installed(prober.probe(List.of(cli.get())).get(0));
            Map<String, Object> result = StructuredContent.object(
                    "success", true, "dryRun", dryRun, "plan", plan(plan), "installed", installed);
            if (!dryRun) {
                CliUpgrader.Outcome outcome = upgrader.upgrade(plan, Duration.ofMillis(timeoutMs));
                boolean ok = outcome.exitCode() != null && outcome.exitCode() == 0;
                result.put("success", ok);
                result.put("exitCode", outcome.exitCode());
                result.put("termination", outcome.termination());
                result.put("stdout", outcome.stdout());
                result.put("stderr", outcome.stderr());
                return new ToolResult(result, null, !ok);
            }
            return ToolResult.success(result);
        });
    }

    private static Map<String, Object> plan(CliUpgrader.Plan p) {
        return StructuredContent.object(
                "cli",
                p.cli().wireName(),
                "target",
                p.target(),
                "command",
                p.command(),
                "args",
                p.args(),
                "strategy",
                p.strategy(),
                "requiresNetwork",
                true,
                "note",
                p.note());
    }

    private static Map<String, Object> installed(ProbeResult probe) {
        return StructuredContent.object(
                "installed",
                probe.installed(),
                "path",
                probe.path(),
                "version",
                probe.version(),
                "problem",
                probe.problem());
    }
}
