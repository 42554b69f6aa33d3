package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.GatewayProcess;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real claude, codex and gemini CLIs as async jobs (under the job supervisor, started from the shaded
 * jar) against {@link FakeModelApi}: the job completes with the sync tool's result, its native session id is
 * recorded on the gw-* record named at submission, and a second job resumes that conversation.
 */
class RealCliJobIT extends RealCliFixture {
    private static final long WAIT_MILLIS = 120_000;

    @ParameterizedTest
    @EnumSource(RealCli.class)
    void asyncJobsRunRealClisAndCarryTheirSessions(RealCli cli) throws Exception {
        RealCliEnvironment env = environment(cli);
        String tool = cli.cliName() + "_request_async";
        Map<String, String> gatewayEnv = env.environmentWith(Map.of(
                "LLM_GATEWAY_HOME",
                env.home().resolve("gateway-data").toString(),
                cli.commandVariable(),
                env.binary().toString()));
        String workingDir = env.workDir().toString();

        try (GatewayProcess gateway = GatewayProcess.startIsolated(gatewayEnv)) {
            gateway.client.initialize();
            JsonNode submitted = call(gateway, tool, Map.of("prompt", "first job", "workingDir", workingDir));
            String sessionId = submitted.get("sessionId").asText();
            assertTrue(sessionId.startsWith("gw-"), submitted::toString);
            JsonNode first = result(gateway, submitted.get("jobId").asText());
            assertEquals(
                    FakeModelApi.expectedReply(cli, 1, "first job"),
                    first.get("response").asText());
            String nativeId = first.get("nativeSessionId").asText();
            assertFalse(nativeId.isBlank(), first::toString);
            assertEquals(
                    nativeId,
                    call(gateway, "session_get", Map.of("sessionId", sessionId))
                            .get("session")
                            .get("nativeSessionId")
                            .asText(),
                    "recorded on the gw-* record");

            JsonNode resumed = result(
                    gateway,
                    call(
                                    gateway,
                                    tool,
                                    Map.of("prompt", "second job", "sessionId", sessionId, "workingDir", workingDir))
                            .get("jobId")
                            .asText());
            assertTrue(resumed.get("resumed").asBoolean(), resumed::toString);
            assertEquals(
                    FakeModelApi.expectedReply(cli, 2, "second job"),
                    resumed.get("response").asText(),
                    "the job resumed the native session");
        }
    }

    /** Polls the job until it is finished; its result as the sync tool returns it. */
    private static JsonNode result(GatewayProcess gateway, String jobId) {
        String status = Awaitility.await("job " + jobId + " finished")
                .atMost(Duration.ofMillis(WAIT_MILLIS))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> call(gateway, "llm_job_status", Map.of("jobId", jobId))
                                .get("status")
                                .asText(),
                        s -> !s.equals("queued") && !s.equals("running"));
        JsonNode result = call(gateway, "llm_job_result", Map.of("jobId", jobId));
        assertEquals("completed", status, () -> result + "\ngateway stderr:\n" + gateway.stderr());
        return result.get("result");
    }

    private static JsonNode call(GatewayProcess gateway, String tool, Map<String, ?> arguments) {
        JsonNode result = gateway.client.callTool(tool, arguments, 60);
        assertFalse(
                result.path("isError").asBoolean(),
                () -> tool + " failed: " + result + "\ngateway stderr:\n" + gateway.stderr());
        return result.get("structuredContent");
    }
}
