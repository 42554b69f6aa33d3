package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real claude, codex and gemini (the versions scripts/install-clis.sh pins, the ones the contracts were read
 * from) show no drift: every command's help runs and declares exactly the contract's flags. Skipped when a CLI
 * is not installed.
 */
class ContractDriftRealCliIT {
    @TempDir
    Path dataDir;

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(RealCli.class)
    void thePinnedCliMatchesItsContract(RealCli cli) {
        assumeTrue(cli.binary().isPresent(), cli.notInstalled());
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", System.getenv("PATH"));
        env.put(cli.commandVariable(), cli.binary().orElseThrow().toString());
        env.put("LLM_GATEWAY_PROBE_TIMEOUT_MS", "30000");
        try (InProcessGateway gw = new InProcessGateway(
                InProcessGateway.config(dataDir, env),
                new InMemorySessionStore(),
                new MutableClock(Instant.parse("2026-11-22T10:00:00Z")),
                env)) {
            gw.client.initialize();
            JsonNode result =
                    gw.client.callTool("upstream_contracts", Map.of("cli", cli.cliName(), "probeInstalled", true));
            assertFalse(result.path("isError").asBoolean(), result.toString());
            JsonNode probe =
                    result.get("structuredContent").get("installedProbe").get(cli.cliName());
            assertEquals("probed", probe.get("status").asText(), probe.toString());
            assertEquals(
                    0,
                    probe.get("missingFlags").size(),
                    probe.get("missingFlags").toString());
            assertEquals(
                    0, probe.get("extraFlags").size(), probe.get("extraFlags").toString());
            JsonNode drift = gw.client
                    .callTool("provider_subcommand_drift", Map.of("provider", cli.cliName()))
                    .get("structuredContent");
            assertEquals(0, drift.get("total").asInt(), drift.toString());
        }
    }
}
