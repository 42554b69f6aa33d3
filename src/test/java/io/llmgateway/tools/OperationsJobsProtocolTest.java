package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.Survivors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running jobs as llm_process_health and jobs://recent show them. */
class OperationsJobsProtocolTest {
    private static final long WAIT_MILLIS = 30_000;

    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path work;

    private InProcessGateway gw;

    @BeforeEach
    void start() {
        gw = new InProcessGateway(
                InProcessGateway.config(dataDir, FakeClis.in(state).environment()),
                new InMemorySessionStore(),
                Clock.systemUTC());
        gw.client.initialize();
    }

    @AfterEach
    void stop() throws InterruptedException, IOException {
        Files.writeString(state.resolve("gate"), "");
        gw.close();
        assertEquals(List.of(), Survivors.afterGracePeriod(), "no process survives");
    }

    private JsonNode call(String tool, Map<String, ?> arguments) {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(false), tool + " failed: " + result);
        return result.get("structuredContent");
    }

    private JsonNode recentJobs() throws IOException {
        JsonNode contents = gw.client
                .request("resources/read", Map.of("uri", "jobs://recent"))
                .get("result")
                .get("contents")
                .get(0);
        assertEquals("application/json", contents.get("mimeType").asText());
        return Json.newMapper().readTree(contents.get("text").asText());
    }

    @Test
    void aRunningJobShowsInHealthWithItsProcessAndInRecentJobs() throws Exception {
        assertEquals(0, recentJobs().get("total").asInt());
        String jobId = call("codex_request_async", Map.of("prompt", "FAKE_GATE please", "workingDir", work.toString()))
                .get("jobId")
                .asText();
        Awaitility.await("the job's CLI started")
                .atMost(Duration.ofMillis(WAIT_MILLIS))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(state.resolve("gate-waiting")));

        JsonNode active = call("llm_process_health", Map.of()).get("jobs");
        assertEquals(1, active.size(), active.toString());
        JsonNode job = active.get(0);
        assertEquals(jobId, job.get("jobId").asText());
        assertEquals("running", job.get("status").asText());
        assertTrue(job.get("process").get("alive").asBoolean(), job.toString());
        assertTrue(job.get("process").get("local").asBoolean(), job.toString());
        JsonNode recent = recentJobs();
        assertEquals(1, recent.get("total").asInt());
        assertEquals(jobId, recent.get("jobs").get(0).get("jobId").asText());

        Files.writeString(state.resolve("gate"), "");
        Awaitility.await("the job completed")
                .atMost(Duration.ofMillis(WAIT_MILLIS))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> call("llm_job_status", Map.of("jobId", jobId))
                        .get("status")
                        .asText()
                        .equals("completed"));
        assertEquals(0, call("llm_process_health", Map.of()).get("jobs").size());
        assertEquals("completed", recentJobs().get("jobs").get(0).get("status").asText());
    }
}
