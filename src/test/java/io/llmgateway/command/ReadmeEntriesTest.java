package io.llmgateway.command;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.ops.GatewayLaunch;
import io.llmgateway.ops.HostClient;
import io.llmgateway.ops.HostConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * README.md's "Without setup" entries are exactly what {@code setup --write} writes into a new config file
 * (with {@code java} for the Java path, the placeholder for the jar, no start-up archive, run from an
 * environment without provider variables); for Claude Code, the {@code claude mcp add-json} line setup prints.
 */
class ReadmeEntriesTest {
    static final String JAR_PLACEHOLDER = "/absolute/path/to/llm-cli-gateway.jar";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(HostClient.class)
    void theReadmeShowsWhatSetupWrites(HostClient client) throws IOException {
        SetupCommand setup = new SetupCommand(Map.of(), dir.resolve("data"), Clock.systemUTC(), "Linux");
        var entry = setup.entry(new GatewayLaunch(Path.of("java"), Path.of(JAR_PLACEHOLDER), Optional.empty()), client);
        HostConfigFile config =
                new HostConfigFile(client, dir.resolve(client.id()).resolve("config"), Clock.systemUTC());
        String expected;
        if (client == HostClient.CLAUDE_CODE) {
            expected = config.manualInstruction(entry).replaceFirst("^run: ", "");
        } else {
            expected = Files.readString(config.register(entry).file());
        }
        String readme = Files.readString(Path.of("README.md"));
        expected = expected.strip();
        assertTrue(
                readme.contains(expected),
                "README.md must show, for " + client.displayName() + ", exactly:\n" + expected);
    }
}
