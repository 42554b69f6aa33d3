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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's HTTP host entries, as written, with the real CLIs: the {@code claude mcp add --transport http}
 * line registers the gateway in a throwaway HOME and Claude Code then calls one of its tools with the grant's
 * token; Codex reads the TOML entry (its URL and the variable holding the token).
 */
class ReadmeHttpSnippetsIT extends RealCliFixture {
    private static final String DEFAULT_URL = "http://127.0.0.1:3333/mcp";

    private static String readme() throws Exception {
        return Files.readString(Path.of("README.md"));
    }

    @Test
    void theClaudeCodeLineRegistersTheGatewayAndClaudeCallsIt() throws Exception {
        RealCliEnvironment claude = environment(RealCli.CLAUDE);
        Matcher line =
                Pattern.compile("claude mcp add --transport http (.+)\\n").matcher(readme());
        assertTrue(line.find(), "README has a claude mcp add --transport http line");
        Map<String, String> gatewayEnv = Map.of(
                "PATH",
                System.getenv("PATH"),
                "LLM_GATEWAY_HOME",
                claude.home().resolve("gateway-data").toString());
        String token = HttpGatewayProcess.addGrant(gatewayEnv, "readme-claude");
        try (HttpGatewayProcess gateway = HttpGatewayProcess.start(gatewayEnv)) {
            HttpMcp grant = new HttpMcp(gateway.url, token);
            grant.initialize();
            grant.call("session_create", Map.of("cli", "gemini", "description", "registered-from-the-readme"));

            // The line as a shell would split it, with the real URL and token.
            String asWritten =
                    line.group(1).replace(DEFAULT_URL, gateway.url.toString()).replace("$TOKEN", token);
            List<String> add = new ArrayList<>(List.of("mcp", "add", "--scope", "user", "--transport", "http"));
            Matcher words = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(asWritten);
            while (words.find()) {
                add.add(words.group(1) != null ? words.group(1) : words.group(2));
            }
            CliProcess.Outcome added = CliProcess.run(
                    claude.command(add.toArray(String[]::new)),
                    claude.environment(),
                    claude.workDir(),
                    "",
                    Duration.ofSeconds(60),
                    claude.tmpDir());
            assertEquals(0, added.exitCode(), added::toString);

            String tool = "mcp__llm-cli-gateway__session_list";
            int before = api.posts("/v1/messages").size();
            CliProcess.Outcome run = CliProcess.run(
                    claude.command("-p", "--output-format", "json", "--allowedTools", tool),
                    claude.environment(),
                    claude.workDir(),
                    "what sessions are there FAKE_TOOL_CALL=" + tool,
                    Duration.ofSeconds(120),
                    claude.tmpDir());
            assertEquals(0, run.exitCode(), run::toString);
            assertTrue(
                    api.posts("/v1/messages").stream()
                            .skip(before)
                            .anyMatch(r -> r.body().contains("tool_result")
                                    && r.body().contains("registered-from-the-readme")),
                    "the tool's result reached the model");
        }
    }

    @Test
    void codexReadsTheTomlEntry() throws Exception {
        RealCliEnvironment codex = environment(RealCli.CODEX);
        Matcher block = Pattern.compile("```toml\\n(\\[mcp_servers\\.llm-cli-gateway]\\nurl = [^`]+)```")
                .matcher(readme());
        assertTrue(block.find(), "README has a Codex HTTP entry");
        Path config = codex.environment().containsKey("CODEX_HOME")
                ? Path.of(codex.environment().get("CODEX_HOME"))
                : codex.home().resolve(".codex");
        Files.writeString(
                config.resolve("config.toml"), "\n" + block.group(1), java.nio.file.StandardOpenOption.APPEND);
        CliProcess.Outcome listed = CliProcess.run(
                codex.command("mcp", "list", "--json"),
                codex.environmentWith(Map.of("GATEWAY_GRANT_TOKEN", "lgw_test")),
                codex.workDir(),
                "",
                Duration.ofSeconds(60),
                codex.tmpDir());
        assertEquals(0, listed.exitCode(), listed::toString);
        JsonNode servers = Json.newMapper().readTree(listed.stdout());
        JsonNode entry = null;
        for (JsonNode server : servers) {
            if (server.path("name").asText().equals("llm-cli-gateway")) {
                entry = server;
            }
        }
        assertTrue(entry != null, listed::toString);
        assertTrue(
                entry.toString().contains(DEFAULT_URL) && entry.toString().contains("GATEWAY_GRANT_TOKEN"),
                entry.toString());
    }
}
