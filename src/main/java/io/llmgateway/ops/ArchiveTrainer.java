package io.llmgateway.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessExecutor;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.exec.Stdin;
import io.llmgateway.exec.Termination;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a dynamic class-data-sharing archive by running one real session against the jar with
 * {@code -XX:ArchiveClassesAtExit}: the JVM writes every class the session loaded when the process
 * exits. The session is what an agent host does on connect (initialize, list tools and resources)
 * plus read-only and session-bookkeeping tool calls, so the classes those need are archived too.
 * It runs on a throwaway data directory and never starts a provider CLI.
 */
final class ArchiveTrainer {
    private static final ObjectMapper MAPPER = Json.newMapper();
    /** Far above a session's answers (the tool list is the largest, tens of kilobytes) and its log. */
    private static final long MAX_OUTPUT_BYTES = 8L * 1024 * 1024;

    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

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
            Map.of(
                    "name",
                    "session_set_active",
                    "arguments",
                    Map.of("cli", "codex", "sessionId", "gw-training-unknown")),
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

    private ArchiveTrainer() {}

    /**
     * Runs the training session and returns once the JVM has written {@code dumpTo}. The whole session is its
     * stdin: the gateway answers requests in flight before it exits at the end of its input, which is what a
     * host's pipelined requests rely on too.
     *
     * @throws IOException when the session fails, times out, or no archive was written; the message
     *                     carries the end of the child's stderr
     */
    static void train(GatewayLaunch launch, Path dumpTo, boolean aotCache, Path scratchDir, Duration timeout)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launch.java().toString());
        command.addAll(launch.trainingArguments(dumpTo, aotCache));
        // This process's environment, without the user's gateway settings (policy, limits, data directory): the
        // session must not depend on them.
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.keySet().removeIf(name -> name.startsWith("LLM_GATEWAY_"));
        environment.put("LLM_GATEWAY_HOME", scratchDir.resolve("data").toString());
        environment.put("LLM_GATEWAY_SHUTDOWN_DRAIN_MS", Long.toString(timeout.toMillis()));
        // The request tools run a provider CLI: here one that prints nothing and exits, so no model is asked.
        for (ProviderId provider : ProviderId.values()) {
            environment.put(provider.commandOverrideVariable(), "true");
        }
        Session session = session();
        ProcessOutcome outcome = ProcessExecutor.command(command)
                .environment(environment)
                .directory(scratchDir)
                .stdin(Stdin.text(session.input()))
                .limits(new RunLimits(timeout, timeout, MAX_OUTPUT_BYTES, KILL_GRACE))
                .execute();
        if (outcome.termination() == Termination.CANCELLED) {
            throw new IOException("interrupted while training the start-up archive");
        }
        if (outcome.termination() != Termination.EXITED) {
            throw new IOException(
                    "the training run did not exit within " + timeout.toSeconds() + " s" + stderrTail(outcome));
        }
        checkAnswered(session.lastId(), outcome);
        if (outcome.exitCode() != 0 || dumpSize(dumpTo) == 0) {
            throw new IOException("the training run exited with " + outcome.exitCode() + " and wrote no archive"
                    + stderrTail(outcome));
        }
    }

    /** The session's requests, one line each, and the id of the last one. */
    private record Session(String input, int lastId) {}

    private static Session session() throws IOException {
        StringBuilder input = new StringBuilder();
        int id = 0;
        send(
                input,
                Map.of(
                        "jsonrpc",
                        "2.0",
                        "id",
                        ++id,
                        "method",
                        "initialize",
                        "params",
                        Map.of(
                                "protocolVersion",
                                "2025-06-18",
                                "capabilities",
                                Map.of(),
                                "clientInfo",
                                Map.of("name", "llm-cli-gateway-setup", "version", "1"))));
        send(input, Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
        send(input, Map.of("jsonrpc", "2.0", "id", ++id, "method", "tools/list", "params", Map.of()));
        send(input, Map.of("jsonrpc", "2.0", "id", ++id, "method", "resources/list", "params", Map.of()));
        for (String uri : List.of("sessions://all", "jobs://recent")) {
            send(input, Map.of("jsonrpc", "2.0", "id", ++id, "method", "resources/read", "params", Map.of("uri", uri)));
        }
        for (Map<String, Object> call : TRAINING_CALLS) {
            send(input, Map.of("jsonrpc", "2.0", "id", ++id, "method", "tools/call", "params", call));
        }
        // The error paths of the transport are part of a normal session's classes too.
        input.append("{not json\n");
        send(input, Map.of("jsonrpc", "2.0", "id", ++id, "method", "ping"));
        return new Session(input.toString(), id);
    }

    private static void send(StringBuilder input, Map<String, Object> message) throws IOException {
        input.append(MAPPER.writeValueAsString(message)).append('\n');
    }

    /**
     * Every request got its answer, and stdout held nothing but JSON-RPC until then (the JVM may log to stdout as
     * it writes the archive at exit).
     */
    private static void checkAnswered(int lastId, ProcessOutcome outcome) throws IOException {
        Set<Integer> answered = new HashSet<>();
        for (String line : outcome.stdout().lines().toList()) {
            if (answered.size() == lastId) {
                return;
            }
            try {
                int id = MAPPER.readTree(line).path("id").asInt(-1);
                if (id >= 1 && id <= lastId) {
                    answered.add(id);
                }
            } catch (IOException e) {
                throw new IOException(
                        "the training run wrote a non-JSON line to stdout: " + abbreviate(line) + stderrTail(outcome));
            }
        }
        for (int id = 1; id <= lastId; id++) {
            if (!answered.contains(id)) {
                throw new IOException("the training run did not answer request " + id + stderrTail(outcome));
            }
        }
    }

    private static long dumpSize(Path dump) {
        try {
            return PrivateFiles.regularFileAttributes(dump).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String stderrTail(ProcessOutcome outcome) {
        List<String> lines = outcome.stderr().lines().toList();
        if (lines.isEmpty()) {
            return "";
        }
        return "; its stderr ended with: "
                + abbreviate(String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
