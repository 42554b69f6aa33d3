package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmgateway.support.OriginalGateway;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real original gateway, which the drop-in tests run beside ours, builds and answers over stdio with the
 * tool count its version has (original-surface.md §8): a broken harness would make those tests pass vacuously.
 */
class OriginalGatewayIT {
    @TempDir
    Path home;

    @ParameterizedTest
    @CsvSource({"2.11.1, 48", "3.1.0-rc.8, 64"})
    void theOriginalStartsAndListsItsTools(String version, int tools) throws Exception {
        Optional<List<String>> command = OriginalGateway.command(version);
        assumeTrue(command.isPresent(), "the original " + version + " could not be built here (see stderr)");
        try (OriginalGateway original =
                OriginalGateway.start(command.get(), home, Map.of("PATH", System.getenv("PATH")))) {
            original.client.initialize();
            assertEquals(tools, original.client.toolNames().size(), original.stderr());
        }
    }
}
