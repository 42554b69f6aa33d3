package io.llmgateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import io.llmgateway.support.Survivors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notifications/cancelled for a running {@code <cli>_request}, through the real stdio transport, with the
 * fake claude hanging on a child process (FAKE_SLEEP) until it is killed.
 */
class CancelProtocolTest {
    private static final long WAIT_MILLIS = 30_000;

    @TempDir
    Path dataDir;

    @TempDir
    Path state;

    @TempDir
    Path work;

    private FakeClis fakes;
    private InProcessGateway gw;

    private void start(String syncDeadlineMs) {
        fakes = FakeClis.in(state);
        Map<String, String> env = new HashMap<>(fakes.environment());
        env.put("LLM_GATEWAY_SYNC_DEADLINE_MS", syncDeadlineMs);
        gw = new InProcessGateway(InProcessGateway.config(dataDir, env), new InMemorySessionStore(), Clock.systemUTC());
        gw.client.initialize();
    }

    @AfterEach
    void stop() throws InterruptedException {
        gw.close();
        assertTrue(
                gw.client.nonJsonRpcLines().isEmpty(),
                gw.client.nonJsonRpcLines().toString());
        assertEquals(List.of(), Survivors.afterGracePeriod(), "no process survives");
    }

    private int startSleepingRequest() {
        return gw.client.send(
                "tools/call",
                Map.of(
                        "name",
                        "claude_request",
                        "arguments",
                        Map.of("prompt", "FAKE_SLEEP please", "workingDir", work.toString())));
    }

    /** The fake CLI and the child it waits for, once both run. */
    private List<ProcessHandle> awaitCliTree() throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (true) {
            List<ProcessHandle> tree = ProcessHandle.current()
                    .descendants()
                    .filter(ProcessHandle::isAlive)
                    .toList();
            boolean sleeping = tree.stream()
                    .anyMatch(p -> p.info().commandLine().orElse("").contains("sleep"));
            if (fakes.hasRun(ProviderId.CLAUDE) && sleeping) {
                return tree;
            }
            assertTrue(System.currentTimeMillis() < deadline, "the fake CLI never started sleeping: " + tree);
            Thread.sleep(20);
        }
    }

    private void cancel(Object requestId) {
        gw.client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":"
                + requestId + ",\"reason\":\"the user pressed Esc\"}}");
    }

    private static void awaitGone(List<ProcessHandle> tree) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (tree.stream().anyMatch(ProcessHandle::isAlive)) {
            assertTrue(
                    System.currentTimeMillis() < deadline,
                    "still running after the cancel: "
                            + tree.stream()
                                    .filter(ProcessHandle::isAlive)
                                    .map(p -> p.pid() + " "
                                            + p.info().commandLine().orElse("?"))
                                    .toList());
            Thread.sleep(20);
        }
    }

    private void awaitNoRunDirectory() throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        Path jobs = dataDir.resolve("jobs");
        while (true) {
            List<Path> left;
            try (Stream<Path> entries = Files.isDirectory(jobs) ? Files.list(jobs) : Stream.empty()) {
                left = entries.filter(Files::isDirectory).toList();
            }
            if (left.isEmpty()) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "run directory left behind: " + left);
            Thread.sleep(20);
        }
    }

    private JsonNode call(String tool, Map<String, ?> arguments) {
        JsonNode result = gw.client.callTool(tool, arguments);
        assertFalse(result.path("isError").asBoolean(false), tool + " failed: " + result);
        return result.get("structuredContent");
    }

    @Test
    void cancelKillsTheCliTreeLeavesNothingBehindAndTheServerKeepsServing() throws Exception {
        start("0");
        int id = startSleepingRequest();
        List<ProcessHandle> tree = awaitCliTree();
        cancel(id);
        awaitGone(tree);
        awaitNoRunDirectory();
        assertEquals(0, call("llm_job_list", Map.of()).get("total").asInt(), "a cancelled call leaves no job");
        assertEquals(0, call("session_list", Map.of()).get("total").asInt(), "nor a session for its new conversation");

        JsonNode reply = call("claude_request", Map.of("prompt", "hello again", "workingDir", work.toString()));
        assertTrue(reply.get("response").asText().contains("hello again"), reply.toString());
        assertEquals(1, call("session_list", Map.of()).get("total").asInt());

        // The spec: a cancelled request gets no response. Stdin EOF waits for every response in flight.
        gw.client.closeInput();
        gw.gateway.awaitTermination();
        gw.closeServerOutput();
        assertTrue(
                gw.client.drainToEnd().stream()
                        .noneMatch(m -> m.path("id").asText().equals(String.valueOf(id))),
                "the cancelled request was answered");
    }

    @Test
    void aStringRequestIdIsCancelledToo() throws Exception {
        start("0");
        gw.client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"call-7\",\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"claude_request\",\"arguments\":{\"prompt\":\"FAKE_SLEEP\",\"workingDir\":\"" + work + "\"}}}");
        List<ProcessHandle> tree = awaitCliTree();
        cancel(7); // the number 7 is not the string "call-7": nothing happens
        cancel("\"call-7\"");
        awaitGone(tree);
        assertTrue(gw.client.request("ping", null).has("result"));
    }

    @Test
    void aCallAlreadyAnsweredAsDeferredIsDoneAndItsJobRunsOn() throws Exception {
        start("1000");
        int id = startSleepingRequest();
        JsonNode deferred = gw.client.awaitResponse(id).get("result").get("structuredContent");
        assertEquals("deferred", deferred.get("status").asText(), deferred.toString());
        String jobId = deferred.get("jobId").asText();
        List<ProcessHandle> tree = awaitCliTree();

        cancel(id);
        assertTrue(gw.client.request("ping", null).has("result"), "the cancel was read before this ping");
        assertEquals(
                "running",
                call("llm_job_status", Map.of("jobId", jobId)).get("status").asText());
        assertTrue(tree.stream().allMatch(ProcessHandle::isAlive), "the job's CLI runs on");

        assertEquals(
                "canceled",
                call("llm_job_cancel", Map.of("jobId", jobId)).get("status").asText());
        awaitGone(tree);
    }
}
