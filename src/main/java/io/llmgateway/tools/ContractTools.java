package io.llmgateway.tools;

import io.llmgateway.contract.CliContract;
import io.llmgateway.contract.CliContracts;
import io.llmgateway.contract.CommandContract;
import io.llmgateway.contract.CommandProbe;
import io.llmgateway.contract.ContractProbe;
import io.llmgateway.contract.InstalledProbe;
import io.llmgateway.core.ProviderId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The original's contract tools over {@link CliContracts} (the help surfaces the gateway was built against) and
 * {@link ContractProbe} (the installed CLIs' help compared with them): upstream_contracts,
 * provider_subcommands_list, provider_subcommand_contract, provider_subcommand_drift.
 */
public final class ContractTools {
    private static final List<List<String>> HELP_ARGS = List.of(List.of("--help"));
    private static final List<String> CATALOG_COLUMNS =
            List.of("provider", "commandPath", "summary", "flagCount", "driftStatus");

    private final CliContracts contracts;
    private final ContractProbe probe;
    private final Clock clock;

    public ContractTools(CliContracts contracts, ContractProbe probe, Clock clock) {
        this.contracts = contracts;
        this.probe = probe;
        this.clock = clock;
    }

    public List<GatewayTool> tools() {
        return List.of(upstreamContracts(), subcommandsList(), subcommandContract(), subcommandDrift());
    }

    private GatewayTool upstreamContracts() {
        ToolDefinition definition = new ToolDefinition(
                "upstream_contracts",
                "Provider CLI contracts",
                "Read-only: the provider CLI flag contracts the gateway was built against (from each CLI's --help at a "
                        + "pinned version); probeInstalled:true runs the installed CLIs' --help and reports added "
                        + "and removed flags.",
                Schemas.input()
                        .optional("cli", SessionTools.cliSchema("Only this provider."))
                        .optional("probeInstalled", Schemas.bool("Run the installed --help probes (default false)."))
                        .build(),
                Schemas.output()
                        .required("schemaVersion", Schemas.string(null))
                        .required("generatedAt", Schemas.string(null))
                        .required("contracts", Schemas.object("Per cli with a contract."))
                        .required("withoutContract", Schemas.stringArray(null))
                        .required("installedProbe", Schemas.nullable(Schemas.object("Per cli.")))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            List<ProviderId> selected = selected(call.arguments().provider("cli"));
            Map<String, Object> declared = new LinkedHashMap<>();
            List<String> without = new ArrayList<>();
            for (ProviderId provider : selected) {
                contracts
                        .of(provider)
                        .ifPresentOrElse(
                                c -> declared.put(provider.wireName(), contract(c)),
                                () -> without.add(provider.wireName()));
            }
            Map<String, Object> installed = null;
            if (call.arguments().bool("probeInstalled", false)) {
                installed = new LinkedHashMap<>();
                for (ProviderId provider : selected) {
                    installed.put(provider.wireName(), installedProbe(probe.probe(provider)));
                }
            }
            return ToolResult.success(StructuredContent.object(
                    "schemaVersion",
                    "upstream-cli-contracts.v1",
                    "generatedAt",
                    clock.instant().toString(),
                    "contracts",
                    declared,
                    "withoutContract",
                    without,
                    "installedProbe",
                    installed));
        });
    }

    private GatewayTool subcommandsList() {
        ToolDefinition definition = new ToolDefinition(
                "provider_subcommands_list",
                "Provider subcommands catalog",
                "Read-only: a compact catalog of the provider CLI subcommands in the contracts (no flags, no help "
                        + "text); rows follow columns.",
                Schemas.input()
                        .optional("provider", SessionTools.cliSchema("Only this provider."))
                        .optional(
                                "commandPathPrefix",
                                Schemas.stringArray("Only commands under this path, e.g. [\"mcp\"]."))
                        .build(),
                Schemas.output()
                        .required("schemaVersion", Schemas.string(null))
                        .required("columns", Schemas.stringArray(null))
                        .required("rows", Schemas.arrayOf(Map.of("type", "array"), "One array per row, as columns."))
                        .required("total", Schemas.integer(null))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            List<String> prefix = call.arguments().strings("commandPathPrefix");
            List<List<Object>> rows = new ArrayList<>();
            for (ProviderId provider : selected(call.arguments().provider("provider"))) {
                contracts
                        .of(provider)
                        .ifPresent(c -> subcommands(c).stream()
                                .filter(command -> command.commandPath().size() >= prefix.size()
                                        && command.commandPath()
                                                .subList(0, prefix.size())
                                                .equals(prefix))
                                .forEach(command -> rows.add(List.of(
                                        provider.wireName(),
                                        command.key(),
                                        command.summary() == null ? "" : command.summary(),
                                        command.flags().size(),
                                        "unknown"))));
            }
            return ToolResult.success(StructuredContent.object(
                    "schemaVersion",
                    "provider-subcommands-catalog.v1",
                    "columns",
                    CATALOG_COLUMNS,
                    "rows",
                    rows,
                    "total",
                    rows.size()));
        });
    }

    private GatewayTool subcommandContract() {
        ToolDefinition definition = new ToolDefinition(
                "provider_subcommand_contract",
                "Provider subcommand contract",
                "Read-only: the contract of exactly one provider CLI subcommand: its flags, summary and children.",
                Schemas.input()
                        .required("provider", SessionTools.cliSchema(null))
                        .required("commandPath", Schemas.stringArray("Command path words, e.g. [\"mcp\",\"add\"]."))
                        .build(),
                Schemas.output()
                        .required("schemaVersion", Schemas.string(null))
                        .optional("contract", Schemas.object(null))
                        .optional("error", Schemas.string(null))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            ProviderId provider = call.arguments().provider("provider").orElseThrow();
            List<String> path = call.arguments().strings("commandPath");
            if (path.isEmpty()) {
                throw new InvalidParamsException("commandPath needs at least one word, e.g. [\"mcp\"].");
            }
            Optional<CliContract> cli = contracts.of(provider);
            Optional<CommandContract> command = cli.flatMap(c -> c.command(path));
            if (command.isEmpty()) {
                // The original's answer: a body with an error, not an error result.
                return ToolResult.success(StructuredContent.object(
                        "schemaVersion",
                        "provider-subcommand-contract.v1",
                        "error",
                        "No declared " + provider.wireName() + " subcommand contract for " + String.join(" ", path)
                                + (cli.isEmpty() ? " (the gateway has no contract for this provider)" : "")));
            }
            CommandContract c = command.get();
            return ToolResult.success(StructuredContent.object(
                    "schemaVersion",
                    "provider-subcommand-contract.v1",
                    "contract",
                    StructuredContent.object(
                            "provider",
                            provider.wireName(),
                            "commandPath",
                            c.commandPath(),
                            "contractVersion",
                            cli.get().version(),
                            "helpArgs",
                            HELP_ARGS,
                            "flags",
                            c.flags(),
                            "summary",
                            c.summary(),
                            "children",
                            cli.get().children(path).stream()
                                    .map(child -> StructuredContent.object(
                                            "commandPath", child.commandPath(), "summary", child.summary()))
                                    .toList())));
        });
    }

    private GatewayTool subcommandDrift() {
        ToolDefinition definition = new ToolDefinition(
                "provider_subcommand_drift",
                "Provider subcommand drift",
                "Read-only: runs each contract subcommand's --help on the installed CLI and returns compact drift "
                        + "rows (flags added or removed, help that fails), without the help text. providers says "
                        + "which CLIs are not installed or have no contract.",
                Schemas.input()
                        .optional("provider", SessionTools.cliSchema("Only this provider."))
                        .optional("includeClean", Schemas.bool("Also rows without drift (default false)."))
                        .build(),
                Schemas.output()
                        .required("schemaVersion", Schemas.string(null))
                        .required("total", Schemas.integer(null))
                        .required("rows", Schemas.arrayOf(Schemas.object(null), null))
                        .required("providers", Schemas.arrayOf(Schemas.object(null), null))
                        .build(),
                ToolDefinition.hints(true, false, true, false));
        return new GatewayTool(definition, call -> {
            boolean includeClean = call.arguments().bool("includeClean", false);
            List<Map<String, Object>> rows = new ArrayList<>();
            List<Map<String, Object>> providers = new ArrayList<>();
            for (ProviderId provider : selected(call.arguments().provider("provider"))) {
                InstalledProbe installed = probe.probe(provider);
                providers.add(probeStatus(installed));
                for (CommandProbe command : installed.commands()) {
                    if (command.commandPath().isEmpty() || (!includeClean && !command.drifted())) {
                        continue;
                    }
                    Map<String, Object> row = StructuredContent.object("provider", provider.wireName());
                    row.putAll(commandProbe(command));
                    rows.add(row);
                }
            }
            return ToolResult.success(StructuredContent.object(
                    "schemaVersion",
                    "provider-subcommand-drift.v1",
                    "total",
                    rows.size(),
                    "rows",
                    rows,
                    "providers",
                    providers));
        });
    }

    private static List<ProviderId> selected(Optional<ProviderId> only) {
        return only.map(List::of).orElse(List.of(ProviderId.values()));
    }

    private static List<CommandContract> subcommands(CliContract contract) {
        return contract.commands().stream()
                .filter(c -> !c.commandPath().isEmpty())
                .toList();
    }

    private static Map<String, Object> contract(CliContract c) {
        CommandContract root = c.command(List.of()).orElse(new CommandContract(List.of(), null, List.of()));
        return StructuredContent.object(
                "executable",
                c.executable(),
                "contractVersion",
                c.version(),
                "helpArgs",
                HELP_ARGS,
                "flags",
                root.flags(),
                "subcommandCount",
                subcommands(c).size(),
                "subcommands",
                subcommands(c).stream().map(CommandContract::key).toList());
    }

    private static Map<String, Object> probeStatus(InstalledProbe p) {
        return StructuredContent.object(
                "provider",
                p.cli().wireName(),
                "status",
                p.status().wireName(),
                "command",
                p.command(),
                "path",
                p.path(),
                "contractVersion",
                p.contractVersion(),
                "detail",
                p.detail());
    }

    private static Map<String, Object> installedProbe(InstalledProbe p) {
        Map<String, Object> content = probeStatus(p);
        content.remove("provider");
        content.put("cli", p.cli().wireName());
        content.put("available", p.status() == InstalledProbe.Status.PROBED);
        content.put("probedAt", p.probedAt().toString());
        CommandProbe root = p.commands().stream()
                .filter(c -> c.commandPath().isEmpty())
                .findFirst()
                .orElse(null);
        content.put("missingFlags", root == null ? List.of() : root.missing());
        content.put("extraFlags", root == null ? List.of() : root.extra());
        content.put("discoveredFlags", root == null ? List.of() : root.discovered());
        content.put("helpHash", root == null ? null : root.helpHash());
        content.put("warnings", root == null ? List.of() : root.warnings());
        content.put("helpExitedNonzero", p.commands().stream().anyMatch(CommandProbe::helpExitedNonzero));
        Map<String, Object> subcommands = new LinkedHashMap<>();
        p.commands().stream()
                .filter(c -> !c.commandPath().isEmpty())
                .forEach(c -> subcommands.put(String.join(" ", c.commandPath()), commandProbe(c)));
        content.put("subcommands", subcommands);
        return content;
    }

    private static Map<String, Object> commandProbe(CommandProbe c) {
        return StructuredContent.object(
                "commandPath",
                c.commandPath(),
                "driftStatus",
                c.drifted() ? "drift" : "clean",
                "available",
                c.available(),
                "helpExitedNonzero",
                c.helpExitedNonzero(),
                "extraVsContract",
                c.extra(),
                "missingFromBinary",
                c.missing(),
                "helpHash",
                c.helpHash(),
                "summary",
                c.summary(),
                "warnings",
                c.warnings());
    }
}
