package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.store.JsonFileSessionStore;
import io.llmgateway.support.InProcessGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real file store behind the stdio transport: broken and corrupt data directories. */
class StoreFailureProtocolTest {
    @TempDir
    Path tmp;

    @Test
    void unusableDataDirectoryGivesStoreUnavailableAndTheServerKeepsServing() throws Exception {
        Path blocker = tmp.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        Path dataDir = blocker.resolve("data");
        try (InProcessGateway gw = new InProcessGateway(
                InProcessGateway.config(dataDir),
                new JsonFileSessionStore(dataDir, Clock.systemUTC()),
                Clock.systemUTC())) {
            gw.client.initialize();
            JsonNode result = gw.client.callTool("session_create", Map.of("cli", "claude"));
            SessionToolsProtocolTest.assertErrorCode(result, "store_unavailable");
            assertFalse(result.get("structuredContent").get("error").asText().contains("Exception"));
            assertTrue(gw.client.request("ping", null).has("result"), "still serving");
            Files.delete(blocker);
            assertFalse(
                    gw.client
                            .callTool("session_create", Map.of("cli", "claude"))
                            .get("isError")
                            .asBoolean(),
                    "works again once the directory is usable");
        }
    }

    @Test
    void corruptSessionsFileIsQuarantinedAndReportedInSessionList() throws Exception {
        Path dataDir = tmp.resolve("data");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("sessions.json"), "{\"sessions\": [garbage");
        try (InProcessGateway gw = new InProcessGateway(
                InProcessGateway.config(dataDir),
                new JsonFileSessionStore(dataDir, Clock.systemUTC()),
                Clock.systemUTC())) {
            gw.client.initialize();
            JsonNode list = gw.client.callTool("session_list", Map.of()).get("structuredContent");
            assertEquals(0, list.get("total").asInt());
            assertTrue(list.get("warnings").get(0).asText().contains("corrupt"), list.toString());
            assertFalse(gw.client
                    .callTool("session_create", Map.of("cli", "claude"))
                    .get("isError")
                    .asBoolean());
        }
        try (var files = Files.list(dataDir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("sessions.json.corrupt-")));
        }
    }
}
