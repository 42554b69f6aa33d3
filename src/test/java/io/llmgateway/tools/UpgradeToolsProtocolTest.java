package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cli_upgrade through the stdio transport, with fake CLIs and a fake npm on PATH (no network). */
class UpgradeToolsProtocolTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path bin;

    private InProcessGateway gw;

    @BeforeEach
    void start() throws IOException {
        // Each fake records the upgrade it was asked for; --version answers like the real CLI.
        script(
                "codex",
                "[ \"$1\" = --version ] && { echo 'codex-cli 0.169.0'; exit 0; }\n"
                        + "[ \"$1\" = update ] || exit 1\n"
                        + "echo \"$*\" > \"$(dirname \"$0\")/codex.upgraded\"; exit 0\n");
        script(
                "claude",
                "[ \"$1\" = --version ] && { echo '2.1.197 (Claude Code)'; exit 0; }\n"
                        + "[ \"$1\" = update ] || exit 1\n"
                        + "echo 'update failed: no network' >&2; exit 3\n");
        script("npm", "echo \"$*\" > \"$(dirname \"$0\")/npm.args\"; echo 'added 1 package in 2s'\n");
        Map<String, String> env = new HashMap<>();
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
        gw.close();
    }

    private void script(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void byDefaultItIsAPlanAndNothingRuns() {
        JsonNode result = gw.client.callTool("cli_upgrade", Map.of("cli", "codex"));
        assertFalse(result.path("isError").asBoolean(), result.toString());
        JsonNode body = result.get("structuredContent");
        assertTrue(body.get("dryRun").asBoolean());
        assertEquals("codex", body.get("plan").get("command").asText());
        assertEquals("[\"update\"]", body.get("plan").get("args").toString());
        assertEquals("self-update", body.get("plan").get("strategy").asText());
        assertEquals("0.169.0", body.get("installed").get("version").asText());
        assertFalse(Files.exists(bin.resolve("codex.upgraded")), "a dry run runs nothing");

        JsonNode pinned = gw.client
                .callTool("cli_upgrade", Map.of("cli", "codex", "target", "0.170.0"))
                .get("structuredContent");
        assertEquals("npm", pinned.get("plan").get("command").asText());
        assertEquals(
                "[\"install\",\"-g\",\"@openai/codex@0.170.0\"]",
                pinned.get("plan").get("args").toString());

        JsonNode all = gw.client.callTool("cli_upgrade", Map.of()).get("structuredContent");
        assertEquals(7, all.get("plans").size());
        for (JsonNode plan : all.get("plans")) {
            if (plan.get("cli").asText().equals("mistral")) {
                assertTrue(plan.get("plan").isNull());
                assertTrue(plan.get("error").asText().startsWith("Could not detect how Mistral Vibe was installed"));
            } else {
                assertFalse(plan.get("plan").isNull(), plan.toString());
            }
        }
        assertFalse(Files.exists(bin.resolve("npm.args")), "a dry run runs nothing");
    }

    @Test
    void dryRunFalseRunsThePlannedUpgrade() throws IOException {
        JsonNode result = gw.client.callTool("cli_upgrade", Map.of("cli", "gemini", "dryRun", false));
        assertFalse(result.path("isError").asBoolean(), result.toString());
        JsonNode body = result.get("structuredContent");
        assertEquals(0, body.get("exitCode").asInt());
        assertTrue(body.get("stdout").asText().contains("added 1 package"), body.toString());
        assertEquals("install -g @google/gemini-cli@latest\n", Files.readString(bin.resolve("npm.args")));

        JsonNode codex = gw.client.callTool("cli_upgrade", Map.of("cli", "codex", "dryRun", false));
        assertFalse(codex.path("isError").asBoolean(), codex.toString());
        assertEquals("update\n", Files.readString(bin.resolve("codex.upgraded")));
    }

    @Test
    void aFailedUpgradeIsAnErrorResultWithItsOutput() {
        JsonNode result = gw.client.callTool("cli_upgrade", Map.of("cli", "claude", "dryRun", false));
        assertTrue(result.get("isError").asBoolean(), result.toString());
        JsonNode body = result.get("structuredContent");
        assertFalse(body.get("success").asBoolean());
        assertEquals(3, body.get("exitCode").asInt());
        assertTrue(body.get("stderr").asText().contains("update failed"), body.toString());
    }

    @Test
    void aTargetThatIsNotABareVersionIsRefusedAndAnUpgradeNeedsACli() {
        JsonNode bad = gw.client.callTool("cli_upgrade", Map.of("cli", "codex", "target", "evil@1.0"));
        assertTrue(bad.get("isError").asBoolean(), bad.toString());
        assertTrue(bad.toString().contains("bare version or dist-tag"), bad.toString());
        JsonNode noCli =
                gw.client.request("tools/call", Map.of("name", "cli_upgrade", "arguments", Map.of("dryRun", false)));
        assertTrue(noCli.toString().contains("name it in cli"), noCli.toString());
        assertFalse(Files.exists(bin.resolve("codex.upgraded")));
    }
}
