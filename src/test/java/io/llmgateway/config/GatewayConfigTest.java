package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ProviderId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings read from the environment at start-up that are not job settings. */
class GatewayConfigTest {
    @Test
    void commandOverridesAreReadOnceStrippedAndBlankMeansUnset() {
        GatewayConfig config = GatewayConfig.fromEnvironment(Map.of(
                "HOME",
                "/tmp",
                "LLM_GATEWAY_CLAUDE_COMMAND",
                "  /opt/claude/bin/claude ",
                "LLM_GATEWAY_CODEX_COMMAND",
                "  "));
        CliCommands commands = config.commands();
        assertEquals("/opt/claude/bin/claude", commands.command(ProviderId.CLAUDE));
        assertTrue(commands.isOverridden(ProviderId.CLAUDE));
        assertEquals(ProviderId.CODEX.defaultCommand(), commands.command(ProviderId.CODEX));
        assertFalse(commands.isOverridden(ProviderId.CODEX));
    }

    @Test
    void theProbeTimeoutIsASettingAndABadOneStopsTheStart() {
        assertEquals(
                Duration.ofSeconds(5),
                GatewayConfig.fromEnvironment(Map.of("HOME", "/tmp")).probeTimeout());
        assertEquals(
                Duration.ofMillis(250),
                GatewayConfig.fromEnvironment(Map.of("HOME", "/tmp", "LLM_GATEWAY_PROBE_TIMEOUT_MS", "250"))
                        .probeTimeout());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class,
                () -> GatewayConfig.fromEnvironment(Map.of("HOME", "/tmp", "LLM_GATEWAY_PROBE_TIMEOUT_MS", "soon")));
        assertTrue(bad.getMessage().contains("LLM_GATEWAY_PROBE_TIMEOUT_MS"), bad.getMessage());
    }

    /** Gemini CLI expands "$ANTHROPIC_API_KEY" of an unset variable to "": the CLIs must see it unset, not empty. */
    @Test
    void anEmptyVariableIsNotPassedToTheClis() {
        GatewayConfig config = GatewayConfig.fromEnvironment(Map.of(
                "HOME",
                "/home/u",
                "ANTHROPIC_API_KEY",
                "",
                "OPENAI_API_KEY",
                "sk-x",
                "LLM_GATEWAY_SYNC_DEADLINE_MS",
                ""));
        assertEquals(Map.of("HOME", "/home/u", "OPENAI_API_KEY", "sk-x"), config.environment());
    }
}
