package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    /** Gemini CLI expands "$ANTHROPIC_API_KEY" of an unset variable to "": the CLIs must see it unset, not empty. */
    @Test
    void anEmptyVariableIsNotPassedToTheClis() {
        GatewayConfig config = GatewayConfig.fromEnvironment(Map.of("HOME", "/home/u", "ANTHROPIC_API_KEY", "",
                "OPENAI_API_KEY", "sk-x", "LLM_GATEWAY_SYNC_DEADLINE_MS", ""));
        assertEquals(Map.of("HOME", "/home/u", "OPENAI_API_KEY", "sk-x"), config.environment());
    }
}
