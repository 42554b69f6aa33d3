package io.llmgateway.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Makes a dynamic class-data-sharing archive by running one real session against the jar with
 * {@code -XX:ArchiveClassesAtExit}: the JVM writes every class the session loaded when the process
 * exits. The session is what an agent host does on connect (initialize, list tools and resources)
 * plus read-only and session-bookkeeping tool calls, so the classes those need are archived too.
 * It runs on a throwaway data directory and never starts a provider CLI.
 */
final class ArchiveTrainer {
    private static final ObjectMapper MAPPER = Json.newMapper();

    /**
     * Tools called during training, with their arguments: the first call of every kind a host makes, so that
     * its classes (and on JDK 25 its method profiles) are in the archive. Calls that fail (an unknown id, a
     * provider CLI that prints nothing) train the error paths. Unknown tools are simply answered with an error.
     */
    private static final List<Map<String, Object>> TRAINING_CALLS = List.of(
            Map.of("name", "session_create", "arguments", Map.of("cli", "claude", "description", "training")),
            Map.of("name", "session_create", "arguments", Map.of("cli", "codex", "setAsActive", false)),
            Map.of("name", "session_list", "arguments", Map.of()),
            Map.of("name", "session_get", "arguments", Map.of("sessionId", "gw-training-unknown")),
            Map.of("name", "session_set_active", "arguments", Map.of("cli", "codex", "sessionId", "gw-training-unknown")),
            Map.of("name", "session_delete", "arguments", Map.of("sessionId", "gw-training-unknown")),
            Map.of("name", "claude_request", "arguments", Map.of("prompt", "training", "createNewSession", true)),
            Map.of("name", "codex_request", "arguments", Map.of("prompt", "training", "model", "unknown")),
            Map.of("name", "llm_job_list", "arguments", Map.of()),
            Map.of("name", "llm_job_status", "arguments", Map.of("jobId", "job-training-unknown")),
            Map.of("name", "llm_job_result", "arguments", Map.of("jobId", "job-training-unknown")),
            Map.of("name", "session_list", "arguments", Map.of("limit", -1)),
            Map.of("name", "list_models", "arguments", Map.of()),
            Map.of("name", "llm_process_health", "arguments", Map.of()),
            Map.of("name", "session_clear_all", "arguments", Map.of()));

    private ArchiveTrainer() {
    }

    /**
     * Runs the training session and returns once the JVM has written {@code dumpTo}.
     *
     * @throws IOException when the session fails, times out, or no archive was written; the message
     *                     carries the end of the child's stderr
     */
    static void train(GatewayLaunch launch, Path dumpTo, boolean aotCache, Path scratchDir, Duration timeout)
            throws IOException {
        Path stderr = scratchDir.resolve("training-stderr.log");
        List<String> command = new ArrayList<>();
        command.add(launch.java().toString());
        command.addAll(launch.trainingArguments(dumpTo, aotCache));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .directory(scratchDir.toFile());
        // The session must not depend on the user's gateway settings (policy, limits, data directory).
        builder.environment().keySet().removeIf(name -> name.startsWith("LLM_GATEWAY_"));
        builder.environment().put("LLM_GATEWAY_HOME", scratchDir.resolve("data").toString());
        // The request tools run a provider CLI: here one that prints nothing and exits, so no model is asked.
        for (ProviderId provider : ProviderId.values()) {
            builder.environment().put(provider.commandOverrideVariable(), "true");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Process process = builder.start();
        try {
            runSession(process, deadline);
            process.getOutputStream().close();
            if (!process.waitFor(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                throw new IOException("the training run did not exit within " + timeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(dumpTo) || Files.size(dumpTo) == 0) {
                throw new IOException("the training run exited with " + process.exitValue()
                        + " and wrote no archive" + stderrTail(stderr));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while training the start-up archive", e);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + stderrTail(stderr), e);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static void runSession(Process process, long deadline) throws IOException, InterruptedException {
        BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readReplies(process, replies), "archive-training-reader");
        reader.setDaemon(true);
        reader.start();
        OutputStream toServer = process.getOutputStream();
        int id = 0;
        send(toServer, Map.of("jsonrpc", "2.0", "id", ++id, "method", "initialize", "params", Map.of(
                "protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", "llm-cli-gateway-setup", "version", "1"))));
        awaitReply(replies, id, deadline);
        send(toServer, Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
        send(toServer, Map.of("jsonrpc", "2.0", "id", ++id, "method", "tools/list", "params", Map.of()));
        awaitReply(replies, id, deadline);
        send(toServer, Map.of("jsonrpc", "2.0", "id", ++id, "method", "resources/list", "params", Map.of()));
        awaitReply(replies, id, deadline);
        for (String uri : List.of("sessions://all", "jobs://recent")) {
            send(toServer, Map.of("jsonrpc", "2.0", "id", ++id, "method", "resources/read", "params", Map.of("uri", uri)));
            awaitReply(replies, id, deadline);
        }
        for (Map<String, Object> call : TRAINING_CALLS) {
            send(toServer, Map.of("jsonrpc", "2.0", "id", ++id, "method", "tools/call", "params", call));
            awaitReply(replies, id, deadline);
        }
        // The error paths of the transport are part of a normal session's classes too.
        toServer.write("{not json\n".getBytes(StandardCharsets.UTF_8));
        send(toServer, Map.of("jsonrpc", "2.0", "id", ++id, "method", "ping"));
        awaitReply(replies, id, deadline);
    }

    private static void readReplies(Process process, BlockingQueue<JsonNode> replies) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                try {
                    replies.add(MAPPER.readTree(line));
                } catch (IOException e) {
                    replies.add(MAPPER.createObjectNode().put("unparseable", line));
                }
            }
        } catch (IOException e) {
            // The process ended; awaitReply reports the missing answer.
        }
    }

    private static void send(OutputStream out, Map<String, Object> message) throws IOException {
        out.write(MAPPER.writeValueAsBytes(message));
        out.write('\n');
        out.flush();
    }

    private static void awaitReply(BlockingQueue<JsonNode> replies, int id, long deadline)
            throws IOException, InterruptedException {
        while (true) {
            JsonNode reply = replies.poll(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw new IOException("the training run did not answer request " + id + " in time");
            }
            if (reply.has("unparseable")) {
                throw new IOException("the training run wrote a non-JSON line to stdout: "
                        + abbreviate(reply.get("unparseable").asText()));
            }
            if (reply.path("id").asInt(-1) == id) {
                return;
            }
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static String stderrTail(Path stderr) {
        try {
            List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return "";
            }
            return "; its stderr ended with: " + abbreviate(String.join(" | ",
                    lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        } catch (IOException e) {
            return "";
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
