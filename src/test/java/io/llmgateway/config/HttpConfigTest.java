package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP settings: defaults, and a clear error naming the variable for each malformed value. */
class HttpConfigTest {
    private static String error(Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> HttpConfig.fromEnvironment(env))
                .getMessage();
    }

    @Test
    void defaults() {
        HttpConfig config = HttpConfig.fromEnvironment(Map.of());
        assertEquals("127.0.0.1", config.host());
        assertEquals(3333, config.port());
        assertEquals("/mcp", config.path());
        assertEquals(8 * 1024 * 1024, config.maxBodyBytes());
        assertEquals(List.of(), config.allowedOrigins());
        assertTrue(config.publicUrl().isEmpty() && config.jwt().isEmpty());
        assertEquals(Duration.ofMinutes(30), config.sessionIdle());
        assertFalse(HttpConfig.requested(Map.of()));
        assertTrue(HttpConfig.requested(Map.of("LLM_GATEWAY_TRANSPORT", "HTTP")));
        assertTrue(HttpConfig.requested(Map.of("MCP_TRANSPORT", "http")), "the original's variable");
        assertFalse(
                HttpConfig.requested(Map.of("MCP_TRANSPORT", "http", "LLM_GATEWAY_TRANSPORT", "stdio")), "ours wins");
    }

    @Test
    void everySettingIsParsed() {
        HttpConfig config = HttpConfig.fromEnvironment(Map.of(
                "LLM_GATEWAY_HTTP_HOST",
                "0.0.0.0",
                "LLM_GATEWAY_HTTP_PORT",
                "0",
                "LLM_GATEWAY_HTTP_PATH",
                "/gw/mcp",
                "LLM_GATEWAY_MAX_HTTP_BODY_BYTES",
                "1024",
                "LLM_GATEWAY_HTTP_ALLOWED_ORIGINS",
                " https://A.example.com , http://127.0.0.1:8080",
                "LLM_GATEWAY_HTTP_PUBLIC_URL",
                "https://gw.example.com/mcp",
                "LLM_GATEWAY_HTTP_SESSION_IDLE_MS",
                "500",
                "LLM_GATEWAY_OAUTH_ISSUER",
                "https://idp.example.com/",
                "LLM_GATEWAY_OAUTH_JWKS_URL",
                "https://idp.example.com/jwks",
                "LLM_GATEWAY_OAUTH_PRINCIPAL_CLAIM",
                "email"));
        assertEquals(List.of("https://a.example.com", "http://127.0.0.1:8080"), config.allowedOrigins());
        assertEquals(
                URI.create("https://gw.example.com/mcp"), config.publicUrl().orElseThrow());
        assertEquals("email", config.jwt().orElseThrow().principalClaim());
        assertEquals(Duration.ofMillis(500), config.sessionIdle());
    }

    @Test
    void malformedValuesNameTheirVariable() {
        assertTrue(
                error(Map.of("LLM_GATEWAY_TRANSPORT", "carrier-pigeon")).contains("LLM_GATEWAY_TRANSPORT"),
                ""
                        + assertThrows(
                                IllegalArgumentException.class,
                                () -> HttpConfig.requested(Map.of("LLM_GATEWAY_TRANSPORT", "carrier-pigeon"))));
        assertTrue(error(Map.of("MCP_TRANSPORT", "tcp")).contains("MCP_TRANSPORT"));
        assertTrue(error(Map.of("LLM_GATEWAY_HTTP_PORT", "70000")).contains("LLM_GATEWAY_HTTP_PORT"));
        assertTrue(error(Map.of("LLM_GATEWAY_HTTP_PATH", "mcp")).contains("LLM_GATEWAY_HTTP_PATH"));
        assertTrue(error(Map.of("LLM_GATEWAY_HTTP_PATH", "/healthz")).contains("serves that itself"));
        assertTrue(error(Map.of("LLM_GATEWAY_HTTP_ALLOWED_ORIGINS", "https://a.example.com/app"))
                .contains("without a path"));
        assertTrue(error(Map.of("LLM_GATEWAY_OAUTH_ISSUER", "https://idp")).contains("go together"));
        assertTrue(error(Map.of(
                        "LLM_GATEWAY_OAUTH_ISSUER",
                        "https://idp",
                        "LLM_GATEWAY_OAUTH_JWKS_URL",
                        "http://idp.example.com/jwks"))
                .contains("must use https"));
        assertTrue(error(Map.of("LLM_GATEWAY_HTTP_PUBLIC_URL", "ftp://x")).contains("LLM_GATEWAY_HTTP_PUBLIC_URL"));
    }
}
