package io.llmgateway.job;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.exec.Termination;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider side of the job tests: runs fake-agent.sh, whose prompt steers it, and "records" native
 * session ids in a map instead of the session store.
 */
final class FakeRuns implements ProviderRuns {
    final Map<String, String> nativeIds = new ConcurrentHashMap<>();
    final AtomicInteger prepared = new AtomicInteger();
    final java.util.Set<String> abandoned = ConcurrentHashMap.newKeySet();
    private final Path script;
    private final Path workingDir;

    FakeRuns(Path workingDir) {
        this.workingDir = workingDir;
        try {
            script = Path.of(FakeRuns.class.getResource("fake-agent.sh").toURI());
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (URISyntaxException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public RequestIdentity identify(ProviderId cli, Map<String, Object> arguments) {
        Object prompt = arguments.get("prompt");
        if (prompt == null || prompt.toString().isBlank()) {
            throw GatewayException.invalidArgument("prompt must not be empty.");
        }
        Object session = arguments.get("sessionId");
        return new RequestIdentity(workingDir, session == null ? "new" : session.toString());
    }

    @Override
    public PreparedRun prepare(ProviderId cli, Map<String, Object> arguments, boolean reserveSession) {
        identify(cli, arguments);
        prepared.incrementAndGet();
        Object session = arguments.get("sessionId");
        String sessionId = session == null ? "gw-" + UUID.randomUUID() : session.toString();
        Object correlation = arguments.get("correlationId");
        ProcessSpec.Builder spec = ProcessSpec.builder(script.toString())
                .workingDir(workingDir)
                .stdin(arguments.get("prompt").toString())
                .killGrace(Duration.ofMillis(500));
        if (arguments.get("timeoutMs") instanceof Number n) {
            spec.wallTimeout(Duration.ofMillis(n.longValue()));
        }
        if (arguments.get("maxOutputBytes") instanceof Number n) {
            spec.maxOutputBytes(n.longValue());
        }
        return new PreparedRun(spec.build(), sessionId,
                correlation == null ? UUID.randomUUID().toString() : correlation.toString(),
                Map.of("sessionId", sessionId));
    }

    @Override
    public Map<String, Object> complete(ProviderId cli, Map<String, String> context, ProcessOutcome outcome) {
        if (outcome.termination() == Termination.CANCELLED) {
            throw new GatewayException(ErrorCode.CANCELLED, "The fake CLI was cancelled.");
        }
        if (outcome.termination() == Termination.TIMEOUT) {
            throw new GatewayException(ErrorCode.TIMEOUT, "The fake CLI timed out.");
        }
        if (outcome.termination() == Termination.OUTPUT_TOO_LARGE) {
            throw new GatewayException(ErrorCode.OUTPUT_TOO_LARGE, "The fake CLI printed too much.");
        }
        if (outcome.exitCode() == null || outcome.exitCode() != 0) {
            throw new GatewayException(ErrorCode.CLI_ERROR, "The fake CLI failed.",
                    Map.of("exitCode", String.valueOf(outcome.exitCode())));
        }
        String response = null;
        String nativeId = null;
        for (String line : outcome.stdout().split("\n")) {
            if (line.contains("\"type\":\"result\"")) {
                response = between(line, "\"result\":\"");
                nativeId = between(line, "\"session_id\":\"");
            }
        }
        if (response == null) {
            throw new GatewayException(ErrorCode.CLI_ERROR, "The fake CLI printed no result.");
        }
        String sessionId = context.get("sessionId");
        nativeIds.put(sessionId, nativeId);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("success", true);
        result.put("cli", cli.wireName());
        result.put("response", response);
        result.put("sessionId", sessionId);
        result.put("nativeSessionId", nativeId);
        result.put("exitCode", outcome.exitCode());
        return result;
    }

    @Override
    public void abandon(ProviderId cli, Map<String, String> context) {
        abandoned.add(context.get("sessionId"));
    }

    private static String between(String line, String start) {
        int from = line.indexOf(start);
        if (from < 0) {
            return null;
        }
        from += start.length();
        return line.substring(from, line.indexOf('"', from));
    }
}
