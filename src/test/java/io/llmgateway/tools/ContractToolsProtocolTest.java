package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.contract.CliContract;
import io.llmgateway.contract.CliContracts;
import io.llmgateway.contract.CommandContract;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * upstream_contracts, provider_subcommands_list, provider_subcommand_contract and provider_subcommand_drift
 * through the stdio transport, with a fake gemini whose --help differs from the contract.
 */
class ContractToolsProtocolTest {
    private static final CliContract GEMINI =
            CliContracts.bundled(Json.newMapper()).of(ProviderId.GEMINI).orElseThrow();

    @TempDir
    Path dataDir;

    @TempDir
    Path bin;

    private InProcessGateway gw;

    private void start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("HOME", bin.toString());
        env.put("PATH", bin + ":/usr/bin:/bin");
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, env),
                new InMemorySessionStore(),
                new MutableClock(Instant.parse("2026-11-22T10:00:00Z")),
                env);
        gw.client.initialize();
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private JsonNode call(String tool, Map<String, ?> arguments) {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(), result.toString());
        return result.get("structuredContent");
    }

    /**
     * A fake gemini: the root help lacks --yolo and adds --brand-new, `mcp add` adds --extra-thing, `skills`
     * exits 1, every other command's help is its contract's.
     */
    private void fakeGemini() throws IOException {
        StringBuilder script = new StringBuilder("#!/bin/bash\ncase \"$*\" in\n");
        for (CommandContract command : GEMINI.commands()) {
            List<String> flags = new ArrayList<>(command.flags());
            String exit = "0";
            if (command.commandPath().isEmpty()) {
                flags.remove("--yolo");
                flags.add("--brand-new");
            } else if (command.key().equals("mcp add")) {
                flags.add("--extra-thing");
            } else if (command.key().equals("skills")) {
                exit = "1";
            }
            script.append("  '").append(String.join(" ", command.helpArgs())).append("')\n");
            script.append("    echo 'Usage: gemini ").append(command.key()).append(" [options]'\n");
            for (String flag : flags) {
                script.append("    echo '  ").append(flag).append("   some option (mentions --not-a-flag)'\n");
            }
            script.append("    exit ").append(exit).append(" ;;\n");
        }
        script.append("esac\nexit 2\n");
        Path gemini = bin.resolve("gemini");
        Files.writeString(gemini, script);
        Files.setPosixFilePermissions(gemini, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theDriftOfAnInstalledCliIsItsAddedAndRemovedFlagsAndItsFailingHelp() throws IOException {
        fakeGemini();
        start(Map.of());

        JsonNode drift = call("provider_subcommand_drift", Map.of("provider", "gemini"));
        assertEquals("provider-subcommand-drift.v1", drift.get("schemaVersion").asText());
        Map<String, JsonNode> rows = new HashMap<>();
        drift.get("rows").forEach(row -> rows.put(row.get("commandPath").toString(), row));
        assertEquals(2, drift.get("total").asInt(), drift.toString());
        JsonNode add = rows.get("[\"mcp\",\"add\"]");
        assertEquals("drift", add.get("driftStatus").asText());
        assertEquals(List.of("--extra-thing"), strings(add.get("extraVsContract")));
        assertEquals(List.of(), strings(add.get("missingFromBinary")));
        JsonNode skills = rows.get("[\"skills\"]");
        assertTrue(skills.get("helpExitedNonzero").asBoolean(), skills.toString());
        assertEquals("probed", drift.get("providers").get(0).get("status").asText());

        JsonNode clean = call("provider_subcommand_drift", Map.of("provider", "gemini", "includeClean", true));
        assertEquals(GEMINI.commands().size() - 1, clean.get("total").asInt(), "every subcommand, not the root");

        JsonNode report = call("upstream_contracts", Map.of("cli", "gemini", "probeInstalled", true));
        JsonNode root = report.get("installedProbe").get("gemini");
        assertTrue(root.get("available").asBoolean());
        assertEquals(List.of("--yolo"), strings(root.get("missingFlags")));
        assertEquals(List.of("--brand-new"), strings(root.get("extraFlags")));
        assertTrue(root.get("helpExitedNonzero").asBoolean(), "skills failed");
        assertEquals(
                GEMINI.command(List.of()).orElseThrow().flags(),
                strings(report.get("contracts").get("gemini").get("flags")));
    }

    @Test
    void aMissingCliAndAProviderWithoutContractAreStatusesNotErrors() {
        start(Map.of("LLM_GATEWAY_CLAUDE_COMMAND", bin.resolve("no-such-claude").toString()));

        JsonNode drift = call("provider_subcommand_drift", Map.of());
        assertEquals(0, drift.get("total").asInt(), drift.toString());
        Map<String, String> statuses = new HashMap<>();
        drift.get("providers")
                .forEach(p ->
                        statuses.put(p.get("provider").asText(), p.get("status").asText()));
        assertEquals("not_installed", statuses.get("claude"));
        assertEquals("not_installed", statuses.get("gemini"), "not on PATH");
        assertEquals("no_contract", statuses.get("devin"));

        JsonNode report = call("upstream_contracts", Map.of("probeInstalled", true));
        assertEquals(
                "not_installed",
                report.get("installedProbe").get("claude").get("status").asText());
        assertFalse(report.get("installedProbe").get("claude").get("available").asBoolean());
        assertEquals(List.of("mistral", "devin", "cursor"), strings(report.get("withoutContract")));
        assertTrue(call("upstream_contracts", Map.of()).get("installedProbe").isNull(), "no probe unless asked");
    }

    @Test
    void theCatalogAndOneContractComeFromTheReferenceHelpTexts() {
        start(Map.of());
        JsonNode catalog =
                call("provider_subcommands_list", Map.of("provider", "codex", "commandPathPrefix", List.of("exec")));
        List<String> paths = new ArrayList<>();
        catalog.get("rows").forEach(row -> paths.add(row.get(1).asText()));
        assertEquals(List.of("exec", "exec fork", "exec resume", "exec review"), paths);
        assertEquals(4, catalog.get("total").asInt());

        JsonNode contract = call(
                "provider_subcommand_contract", Map.of("provider", "codex", "commandPath", List.of("exec", "resume")));
        assertTrue(strings(contract.get("contract").get("flags")).contains("--last"), contract.toString());
        assertEquals("0.169.0", contract.get("contract").get("contractVersion").asText());

        JsonNode exec =
                call("provider_subcommand_contract", Map.of("provider", "codex", "commandPath", List.of("exec")));
        List<String> children = new ArrayList<>();
        exec.get("contract")
                .get("children")
                .forEach(c -> children.add(c.get("commandPath").toString()));
        assertEquals(List.of("[\"exec\",\"fork\"]", "[\"exec\",\"resume\"]", "[\"exec\",\"review\"]"), children);

        JsonNode unknown =
                call("provider_subcommand_contract", Map.of("provider", "codex", "commandPath", List.of("nope")));
        assertEquals(
                "No declared codex subcommand contract for nope",
                unknown.get("error").asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
