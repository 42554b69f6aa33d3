package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.Survivors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job tools through the real stdio transport, running the fake provider CLIs (made slow by
 * slow-cli where a test needs time). Async jobs run under real supervisor processes.
 */
class JobToolsProtocolTest {
    private static final long WAIT_MILLIS = 30_000;
    /** In the gateway's (and so every CLI's) environment. */
    private static final String KEY = "sk-ant-api03-" + "Q".repeat(80) + "AA";

    private static final String TOKEN = "plain words of the service token";

    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path work;

    private InProcessGateway gw;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> env = FakeClis.in(state).environmentWithSlowClaude();
        env.put("LLM_GATEWAY_SYNC_DEADLINE_MS", "1000");
        env.put("LLM_GATEWAY_PROGRESS_DELAY_MS", "300");
        env.put("LLM_GATEWAY_PROGRESS_INTERVAL_MS", "200");
        env.put("ANTHROPIC_API_KEY", KEY);
        env.put("MY_SERVICE_TOKEN", TOKEN);
        gw = InProcessGateway.withJobSettings(dataDir, env);
        gw.client.initialize();
    }

    @AfterEach
    void stop() throws InterruptedException {
        gw.cancelUnfinishedJobs();
        gw.close();
        assertTrue(gw.client.nonJsonRpcLines().isEmpty());
        assertEquals(List.of(), Survivors.afterGracePeriod(), "no process survives");
    }

    private JsonNode call(String tool, Map<String, ?> arguments) {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(false), tool + " failed: " + result);
        return result.get("structuredContent");
    }

    private JsonNode awaitStatus(String jobId, String status) {
        return Awaitility.await("job " + jobId + " " + status)
                .atMost(Duration.ofMillis(WAIT_MILLIS))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> call("llm_job_status", Map.of("jobId", jobId)),
                        job -> job.get("status").asText().equals(status));
    }

    private static String flag(JsonNode annotations, String name) {
        return annotations.get(name).asBoolean() ? "T" : "F";
    }

    @Test
    void listsAnAsyncTwinOfEveryRequestToolAndTheFourJobTools() {
        Map<String, JsonNode> byName = new HashMap<>();
        gw.client
                .request("tools/list", Map.of())
                .get("result")
                .get("tools")
                .forEach(t -> byName.put(t.get("name").asText(), t));
        for (ProviderId cli : ProviderId.values()) {
            JsonNode sync = byName.get(cli.wireName() + "_request");
            JsonNode async = byName.get(cli.wireName() + "_request_async");
            assertNotNull(async, cli.wireName());
            JsonNode a = async.get("annotations");
            assertEquals(
                    "FTFT",
                    flag(a, "readOnlyHint")
                            + flag(a, "destructiveHint")
                            + flag(a, "idempotentHint")
                            + flag(a, "openWorldHint"));
            Set<String> expected = names(sync.get("inputSchema").get("properties"));
            expected.add("forceRefresh");
            assertEquals(expected, names(async.get("inputSchema").get("properties")));
            assertTrue(async.get("description").asText().length() <= 1000);
        }
        Map<String, String> hints = Map.of(
                "llm_job_status", "TFTF", "llm_job_result", "TFTF", "llm_job_list", "TFTF", "llm_job_cancel", "FTTF");
        hints.forEach((name, expected) -> {
            JsonNode a = byName.get(name).get("annotations");
            assertEquals(
                    expected,
                    flag(a, "readOnlyHint")
                            + flag(a, "destructiveHint")
                            + flag(a, "idempotentHint")
                            + flag(a, "openWorldHint"),
                    name);
        });
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void anAsyncRequestCompletesWithTheSyncToolsResultAndRecordsTheNativeSession() throws Exception {
        JsonNode submitted = call(
                "codex_request_async",
                Map.of("prompt", "hello job", "workingDir", work.toString(), "correlationId", "c-1"));
        String jobId = submitted.get("jobId").asText();
        assertTrue(jobId.startsWith("job-"));
        assertEquals("codex", submitted.get("cli").asText());
        assertEquals("c-1", submitted.get("correlationId").asText());
        String sessionId = submitted.get("sessionId").asText();
        assertTrue(sessionId.startsWith("gw-"), "a new conversation's session is named at once");

        JsonNode done = awaitStatus(jobId, "completed");
        assertEquals(0, done.get("exitCode").asInt());
        assertTrue(done.get("stdoutBytes").asLong() > 0);
        JsonNode result = call("llm_job_result", Map.of("jobId", jobId));
        JsonNode syncShaped = result.get("result");
        assertTrue(syncShaped.get("response").asText().contains("prompt: hello job"), syncShaped.toString());
        assertEquals(sessionId, syncShaped.get("sessionId").asText());
        String nativeId = syncShaped.get("nativeSessionId").asText();
        assertNotNull(syncShaped.get("usage"));
        assertEquals(
                nativeId,
                call("session_get", Map.of("sessionId", sessionId))
                        .get("session")
                        .get("nativeSessionId")
                        .asText());
        assertTrue(result.get("error").isNull());
        assertTrue(result.get("output").get("complete").asBoolean());

        // The sync tool returns the same fields for the same kind of request.
        JsonNode sync = call(
                "codex_request",
                Map.of("prompt", "hello sync", "workingDir", work.toString(), "createNewSession", true));
        assertTrue(names(syncShaped).containsAll(names(sync)), "the sync tool's fields, beside the original's");
    }

    @Test
    void aLargeOutputIsReadInPagesThroughTheTool() throws Exception {
        String jobId = call("claude_request_async", Map.of("prompt", "LINES=2000 paged"))
                .get("jobId")
                .asText();
        awaitStatus(jobId, "completed");
        StringBuilder all = new StringBuilder();
        long offset = 0;
        int pages = 0;
        JsonNode page;
        do {
            page = call("llm_job_result", Map.of("jobId", jobId, "offset", offset, "maxChars", 20_000))
                    .get("output");
            all.append(page.get("text").asText());
            offset = page.get("nextOffset").asLong();
            pages++;
        } while (!page.get("complete").asBoolean());
        assertTrue(pages > 3);
        assertEquals(
                page.get("totalBytes").asLong(),
                all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertTrue(all.toString().contains("warming up 1999") && all.toString().contains("\"type\":\"result\""));
        JsonNode stderr = call("llm_job_result", Map.of("jobId", jobId, "stream", "stderr"))
                .get("output");
        assertEquals("stderr", stderr.get("stream").asText());
    }

    @Test
    void aSlowSyncRequestIsDeferredAndSendsProgressWhenAsked() throws Exception {
        int id = gw.client.send(
                "tools/call",
                Map.of(
                        "name",
                        "claude_request",
                        "arguments",
                        Map.of("prompt", "SLOW=2 deferred please"),
                        "_meta",
                        Map.of("progressToken", "tok-1")));
        JsonNode response = gw.client.awaitResponse(id).get("result");
        assertFalse(response.path("isError").asBoolean(false), response.toString());
        JsonNode deferred = response.get("structuredContent");
        assertEquals("deferred", deferred.get("status").asText());
        assertEquals("llm_job_status", deferred.get("pollWith").asText());
        String jobId = deferred.get("jobId").asText();
        String text = response.get("content").get(0).get("text").asText();
        String session = deferred.get("sessionId").isNull()
                ? ""
                : "session " + deferred.get("sessionId").asText() + " · ";
        assertTrue(text.endsWith("\n[gateway] " + session + "claude · job " + jobId + " (deferred)"), text);
        assertTrue(text.startsWith(deferred.get("message").asText()), text);
        JsonNode progress = gw.client.awaitMatching(
                n -> "notifications/progress".equals(n.path("method").asText()), 1);
        assertNotNull(progress, "a call running past the progress delay reports progress");
        assertEquals("tok-1", progress.get("params").get("progressToken").asText());

        JsonNode done = awaitStatus(jobId, "completed");
        assertTrue(done.get("deferred").asBoolean());
        JsonNode result = call("llm_job_result", Map.of("jobId", jobId)).get("result");
        assertTrue(result.get("response").asText().contains("deferred please"));
        String sessionId = result.get("sessionId").asText();
        assertEquals(
                result.get("nativeSessionId").asText(),
                call("session_get", Map.of("sessionId", sessionId))
                        .get("session")
                        .get("nativeSessionId")
                        .asText());
    }

    @Test
    void jobPagesResultsAndProgressNeverShowASecretWhereverThePagesAreCut() throws Exception {
        String jobId = call("claude_request_async", Map.of("prompt", "FAKE_LEAK TOOL=" + KEY))
                .get("jobId")
                .asText();
        JsonNode done = awaitStatus(jobId, "completed");
        assertTrue(
                done.get("progress").asText().endsWith("2 tool calls, last tool [redacted], last event result"),
                done::toString);
        JsonNode result = call("llm_job_result", Map.of("jobId", jobId, "maxChars", 1_000_000));
        assertTrue(result.get("result")
                .get("response")
                .asText()
                .contains("your key is [redacted] and the token [redacted]"));
        assertTrue(result.get("output").get("text").asText().contains("\"name\":\"[redacted]\""));
        for (String stream : List.of("stdout", "stderr")) {
            String whole = call("llm_job_result", Map.of("jobId", jobId, "stream", stream, "maxChars", 1_000_000))
                    .get("output")
                    .get("text")
                    .asText();
            for (int maxChars : List.of(1, 7, 10, 33)) {
                StringBuilder all = new StringBuilder();
                long offset = 0;
                JsonNode page;
                do {
                    page = call(
                                    "llm_job_result",
                                    Map.of("jobId", jobId, "stream", stream, "offset", offset, "maxChars", maxChars))
                            .get("output");
                    String text = page.get("text").asText();
                    assertFalse(text.contains("QQ") || text.contains("service t"), stream + " page: " + text);
                    all.append(text);
                    offset = page.get("nextOffset").asLong();
                } while (!page.get("complete").asBoolean());
                assertEquals(whole, all.toString(), stream + " in pages of " + maxChars);
            }
            assertTrue(whole.contains("[redacted]"), whole);
        }
        assertFalse(call("llm_job_status", Map.of("jobId", jobId)).toString().contains("QQ"));

        // A sync call's progress notifications name the tool it is running: redacted too.
        int id = gw.client.send(
                "tools/call",
                Map.of(
                        "name",
                        "claude_request",
                        "arguments",
                        Map.of("prompt", "SLOW=1 TOOL=" + KEY),
                        "_meta",
                        Map.of("progressToken", "tok-secret")));
        JsonNode progress = gw.client.awaitMatching(
                n -> n.toString().contains("tok-secret") && n.toString().contains("last tool"), 20);
        assertNotNull(progress, "the call reports progress naming its tool");
        assertTrue(progress.get("params").get("message").asText().contains("last tool [redacted]"), progress::toString);
        assertFalse(progress.toString().contains("QQ"), progress::toString);
        JsonNode reply = gw.client.awaitResponse(id).get("result");
        assertFalse(reply.toString().contains("QQ"), reply::toString);
    }

    @Test
    void dedupCancelAndListThroughTheTools() throws Exception {
        Map<String, Object> request = Map.of("prompt", "SLOW=60 long one");
        JsonNode first = call("claude_request_async", request);
        JsonNode again = call("claude_request_async", request);
        assertEquals(first.get("jobId"), again.get("jobId"));
        assertTrue(again.get("deduplicated").asBoolean());
        Map<String, Object> forced = new HashMap<>(request);
        forced.put("forceRefresh", true);
        JsonNode refreshed = call("claude_request_async", forced);
        assertNotEquals(first.get("jobId"), refreshed.get("jobId"));
        assertFalse(refreshed.get("deduplicated").asBoolean());

        JsonNode running = call("llm_job_list", Map.of("status", "running", "cli", "claude"));
        assertEquals(2, running.get("total").asInt());
        JsonNode cancelled =
                call("llm_job_cancel", Map.of("jobId", first.get("jobId").asText()));
        assertEquals("canceled", cancelled.get("status").asText());
        assertEquals("running", cancelled.get("previousStatus").asText());
        JsonNode result =
                call("llm_job_result", Map.of("jobId", first.get("jobId").asText()));
        assertEquals("cancelled", result.get("error").get("errorCode").asText());
        assertFalse(result.get("result").has("response"), "no reply: " + result);
        assertEquals(
                1,
                call("llm_job_list", Map.of("status", "canceled")).get("total").asInt());
        Iterator<JsonNode> listed = call("llm_job_list", Map.of()).get("jobs").elements();
        assertEquals(refreshed.get("jobId"), listed.next().get("jobId"), "newest first");
    }

    @Test
    void badJobIdsAreDomainErrors() {
        JsonNode bad = gw.client.callTool("llm_job_status", Map.of("jobId", "nope"));
        assertTrue(bad.get("isError").asBoolean());
        assertEquals(
                "invalid_argument",
                bad.get("structuredContent").get("errorCode").asText());
        JsonNode unknown =
                gw.client.callTool("llm_job_result", Map.of("jobId", "job-00000000-0000-0000-0000-000000000000"));
        assertEquals(
                "job_not_found",
                unknown.get("structuredContent").get("errorCode").asText());
        JsonNode missing = gw.client.callTool("claude_request_async", Map.of("prompt", "x", "sessionId", "gw-unknown"));
        assertEquals(
                "session_not_found",
                missing.get("structuredContent").get("errorCode").asText());
        assertNull(gw.client
                .callTool("llm_job_list", Map.of("status", "orphaned"))
                .get("structuredContent")
                .get("jobs")
                .get(0));
    }
}
