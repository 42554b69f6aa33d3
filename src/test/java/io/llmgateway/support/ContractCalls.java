package io.llmgateway.support;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Successful calls of the model-list, contract and upgrade tools, for the tests that call every listed tool;
 * cli_upgrade is called without dryRun, so it only plans; it is refused to callers that are not local (HTTP), so
 * those tests call it on their own.
 */
public final class ContractCalls {
    private ContractCalls() {}

    public static void callAll(BiConsumer<String, Map<String, Object>> call, boolean localCaller) {
        call.accept("list_available_models", Map.of());
        if (localCaller) {
            call.accept("cli_upgrade", Map.of("cli", "codex"));
        }
        call.accept("upstream_contracts", Map.of());
        call.accept("provider_subcommands_list", Map.of("provider", "codex"));
        call.accept("provider_subcommand_contract", Map.of("provider", "codex", "commandPath", List.of("exec")));
        call.accept("provider_subcommand_drift", Map.of("provider", "codex"));
    }
}
