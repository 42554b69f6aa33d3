package io.llmgateway.support;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.JobConfig;
import io.llmgateway.policy.PolicyGuard;
import io.llmgateway.server.Gateway;
import io.llmgateway.session.SessionStore;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** A gateway over piped streams: the real stdio transport without a process. */
public final class InProcessGateway implements AutoCloseable {
    public final Gateway gateway;
    public final StdioClient client;
    private final PipedOutputStream serverOut;

    public InProcessGateway(GatewayConfig config, SessionStore store, Clock clock) {
        this(config, store, clock, java.util.Map.of());
    }

    /** {@code env} is what the gateway reads its environment from (e.g. LLM_GATEWAY_POLICY). */
    public InProcessGateway(GatewayConfig config, SessionStore store, Clock clock, java.util.Map<String, String> env) {
        try {
            PipedOutputStream clientOut = new PipedOutputStream();
            PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 20);
            serverOut = new PipedOutputStream();
            PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
            gateway = Gateway.start(
                    config, store, PolicyGuard.open(config.dataDir(), env, clock), serverIn, serverOut, clock);
            client = new StdioClient(clientOut, clientIn);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the gateway's stdout, as a process exit would: the client then has everything it ever wrote. */
    public void closeServerOutput() {
        try {
            serverOut.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gateway whose environment (job settings included) is {@code env}, with sessions kept in memory. */
    public static InProcessGateway withJobSettings(java.nio.file.Path dataDir, Map<String, String> env) {
        return new InProcessGateway(config(dataDir, env), new InMemorySessionStore(), Clock.systemUTC());
    }

    public static GatewayConfig config(java.nio.file.Path dataDir) {
        return config(dataDir, Map.of());
    }

    /** With {@code environment} as the gateway's environment (what the CLIs it runs see, and its job settings). */
    public static GatewayConfig config(java.nio.file.Path dataDir, Map<String, String> environment) {
        return new GatewayConfig(
                dataDir,
                Duration.ofDays(30),
                GatewayConfig.DEFAULT_MAX_LINE_BYTES,
                Duration.ofMillis(1500),
                GatewayConfig.DEFAULT_MAX_OUTPUT_BYTES,
                environment,
                JobConfig.fromEnvironment(environment));
    }

    /** Cancels every queued or running job (before closing, so that no CLI outlives the test). */
    public void cancelUnfinishedJobs() {
        for (com.fasterxml.jackson.databind.JsonNode job : client.callTool("llm_job_list", Map.of("limit", 500))
                .path("structuredContent")
                .path("jobs")) {
            String status = job.get("status").asText();
            if (status.equals("queued") || status.equals("running")) {
                client.callTool(
                        "llm_job_cancel", Map.of("jobId", job.get("jobId").asText()));
            }
        }
    }

    @Override
    public void close() {
        client.close();
        gateway.close();
    }
}
