package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.GatewayProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several gateway processes on one data directory, as several agent-host windows run them. */
class MultiProcessGatewayIT {
    @TempDir
    Path dataDir;

    @Test
    void threeGatewaysCreatingAndDeletingLoseNothing() throws Exception {
        Set<String> acknowledgedLive = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            writers.add(CompletableFuture.runAsync(() -> {
                try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of())) {
                    gw.client.initialize();
                    for (int i = 0; i < 40; i++) {
                        String id = createdId(gw.client.callTool("session_create", Map.of("cli", "gemini")));
                        acknowledgedLive.add(id);
                        if (i % 3 == 0) {
                            JsonNode deleted = gw.client.callTool("session_delete", Map.of("sessionId", id));
                            assertTrue(deleted.get("structuredContent")
                                    .get("success")
                                    .asBoolean());
                            acknowledgedLive.remove(id);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
        assertEquals(acknowledgedLive, listAll());
    }

    @Test
    void killDashNineMidStreamLosesNoAcknowledgedCreate() throws Exception {
        Set<String> acknowledged = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            GatewayProcess gw = GatewayProcess.start(dataDir, Map.of());
            try {
                gw.client.initialize();
                // Pipeline many creates, then kill while most are still in flight.
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    ids.add(gw.client.send(
                            "tools/call", Map.of("name", "session_create", "arguments", Map.of("cli", "claude"))));
                }
                JsonNode firstAck = gw.client.awaitResponse(ids.get(0));
                acknowledged.add(createdId(firstAck.get("result")));
                gw.process.destroyForcibly();
                gw.process.waitFor();
                for (JsonNode message : gw.client.drain()) {
                    if (message.has("result")) {
                        acknowledged.add(createdId(message.get("result")));
                    }
                }
            } finally {
                gw.close();
            }
        }
        Set<String> stored = listAll();
        assertTrue(stored.containsAll(acknowledged), "every acknowledged create survived kill -9");
        assertTrue(stored.size() >= acknowledged.size());
    }

    private Set<String> listAll() throws Exception {
        Set<String> ids = new HashSet<>();
        try (GatewayProcess fresh = GatewayProcess.start(dataDir, Map.of())) {
            fresh.client.initialize();
            JsonNode page =
                    fresh.client.callTool("session_list", Map.of("limit", 1000)).get("structuredContent");
            assertTrue(page.get("total").asInt() <= 1000);
            assertTrue(!page.has("warnings"), "store stayed valid: " + page.get("warnings"));
            page.get("sessions").forEach(s -> ids.add(s.get("id").asText()));
        }
        return ids;
    }

    private static String createdId(JsonNode result) {
        return result.get("structuredContent").get("session").get("id").asText();
    }
}
