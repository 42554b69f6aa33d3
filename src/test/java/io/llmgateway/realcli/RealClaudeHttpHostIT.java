package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.HttpGatewayProcess;
import io.llmgateway.support.HttpMcp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real Claude Code as an HTTP host of the gateway: its {@code --mcp-config} names the gateway's URL with
 * {@code "type":"http"} and the grant's token in an Authorization header; the fake model API makes it call the
 * gateway's session_list, and the tool's result (the grant's own session) reaches the model.
 */
class RealClaudeHttpHostIT extends RealCliFixture {
    private static final String SERVER = "gw";

    @Test
    void claudeCodeCallsAToolOverHttpWithTheGrantToken() throws Exception {
        RealCliEnvironment claude = environment(RealCli.CLAUDE);
        Map<String, String> gatewayEnv = Map.of(
                "PATH",
                System.getenv("PATH"),
                "LLM_GATEWAY_HOME",
                claude.home().resolve("gateway-data").toString());
        String token = HttpGatewayProcess.addGrant(gatewayEnv, "claude-host");
        try (HttpGatewayProcess gateway = HttpGatewayProcess.start(gatewayEnv)) {
            HttpMcp grant = new HttpMcp(gateway.url, token);
            grant.initialize();
            grant.call("session_create", Map.of("cli", "codex", "description", "made-for-claude-over-http"));

            Path config = claude.home().resolve("mcp-http.json");
            Files.writeString(
                    config,
                    Json.newMapper()
                            .writeValueAsString(Map.of(
                                    "mcpServers",
                                    Map.of(
                                            SERVER,
                                            Map.of(
                                                    "type",
                                                    "http",
                                                    "url",
                                                    gateway.url.toString(),
                                                    "headers",
                                                    Map.of("Authorization", "Bearer " + token))))));
            String tool = "mcp__" + SERVER + "__session_list";
            int before = api.posts("/v1/messages").size();
            CliProcess.Outcome run = CliProcess.run(
                    claude.command(
                            "-p",
                            "--output-format",
                            "json",
                            "--mcp-config",
                            config.toString(),
                            "--strict-mcp-config",
                            "--allowedTools",
                            tool),
                    claude.environment(),
                    claude.workDir(),
                    "list my sessions FAKE_TOOL_CALL=" + tool,
                    Duration.ofSeconds(120),
                    claude.tmpDir());
            assertEquals(0, run.exitCode(), run::toString);
            JsonNode result = Json.newMapper().readTree(run.stdout());
            assertEquals("success", result.get("subtype").asText(), run::toString);

            List<String> turns = api.posts("/v1/messages").stream()
                    .skip(before)
                    .map(FakeModelApi.RecordedRequest::body)
                    .toList();
            assertTrue(
                    turns.stream().anyMatch(body -> body.contains("\"" + tool + "\"")),
                    "the gateway's tools were offered to the model");
            assertTrue(
                    turns.stream()
                            .anyMatch(
                                    body -> body.contains("tool_result") && body.contains("made-for-claude-over-http")),
                    "the gateway's answer, the grant's own session, went back to the model: " + turns);
        }
    }
}
