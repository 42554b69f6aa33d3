package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.StdioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host entries README.md tells people to paste (Claude Desktop / Cursor JSON, the Claude Code command,
 * the Codex TOML) launch a gateway that answers initialize and a tool call with nothing but JSON-RPC on stdout.
 */
class ReadmeSnippetsIT {
    private static final String JAR_PLACEHOLDER = "/absolute/path/to/llm-cli-gateway.jar";

    @TempDir
    Path dataDir;

    @Test
    void claudeDesktopAndCursorEntryWorks() throws Exception {
        Matcher block = Pattern.compile("```json\\n(\\{\\s*\"mcpServers\".*?)```", Pattern.DOTALL)
                .matcher(readme());
        assertTrue(block.find(), "README has an mcpServers entry");
        JsonNode entry =
                Json.newMapper().readTree(block.group(1)).get("mcpServers").get("llm-cli-gateway");
        List<String> command = new ArrayList<>(List.of(entry.get("command").asText()));
        entry.get("args").forEach(arg -> command.add(arg.asText()));
        launches(command);
    }

    @Test
    void claudeCodeCommandWorks() throws Exception {
        Matcher line = Pattern.compile("claude mcp add-json --scope user llm-cli-gateway '([^']+)'")
                .matcher(readme());
        assertTrue(line.find(), "README has a claude mcp add-json line");
        JsonNode entry = Json.newMapper().readTree(line.group(1));
        assertEquals("stdio", entry.get("type").asText());
        List<String> command = new ArrayList<>(List.of(entry.get("command").asText()));
        entry.get("args").forEach(arg -> command.add(arg.asText()));
        launches(command);
    }

    @Test
    void codexEntryWorks() throws Exception {
        Matcher block = Pattern.compile(
                        "\\[mcp_servers\\.llm-cli-gateway]\\ncommand = (\"[^\"]+\")\\nargs = (\\[[^\\n]+])")
                .matcher(readme());
        assertTrue(block.find(), "README has a Codex entry");
        List<String> command = new ArrayList<>(List.of(Json.newMapper().readValue(block.group(1), String.class)));
        // A TOML array of basic strings without escapes is also a JSON array.
        Json.newMapper().readTree(block.group(2)).forEach(arg -> command.add(arg.asText()));
        launches(command);
    }

    private static String readme() throws Exception {
        return Files.readString(Path.of("README.md"));
    }

    /** Runs the entry with this JVM's java for {@code java} and the built jar for the placeholder path. */
    private void launches(List<String> entry) throws Exception {
        assertEquals("java", entry.get(0), entry.toString());
        assertTrue(entry.contains(JAR_PLACEHOLDER), entry.toString());
        List<String> command = new ArrayList<>();
        for (String part : entry) {
            command.add(
                    part.equals("java")
                            ? GatewayProcess.javaExecutable()
                            : part.equals(JAR_PLACEHOLDER)
                                    ? GatewayProcess.jar().toString()
                                    : part);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LLM_GATEWAY_HOME", dataDir.toString());
        Process process = builder.start();
        try {
            StdioClient client = new StdioClient(process.getOutputStream(), process.getInputStream());
            assertEquals(
                    "llm-cli-gateway",
                    client.initialize()
                            .get("result")
                            .get("serverInfo")
                            .get("name")
                            .asText());
            JsonNode created = client.callTool("session_create", Map.of("cli", "claude"));
            assertTrue(created.get("structuredContent")
                    .get("session")
                    .get("id")
                    .asText()
                    .startsWith("gw-"));
            client.closeInput();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the gateway exits on stdin EOF");
            assertEquals(0, process.exitValue());
            assertEquals(List.of(), client.nonJsonRpcLines(), "stdout carries JSON-RPC only");
        } finally {
            process.destroyForcibly();
        }
    }
}
