package io.llmgateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.exec.Termination;
import io.llmgateway.provider.ProviderRequestService;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.PreparedRun;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.ProviderRuns;
import io.llmgateway.provider.api.RunContext;
import io.llmgateway.provider.api.Usage;
import io.llmgateway.provider.cli.ClaudeCli;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider side of the job tests: runs fake-agent.sh, whose prompt steers it, and "records" native
 * session ids in a map instead of the session store.
 */
final class FakeRuns implements ProviderRuns {
    private static final List<ProviderOption> OPTIONS =
            List.of(ProviderOption.of("maxOutputBytes", OptionType.INTEGER, "The output cap of the run."));
    private static final ClaudeCli CLAUDE = new ClaudeCli();
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

    /** The canonical request the request tools would make of {@code arguments} (prompt, correlationId, timeoutMs, maxOutputBytes). */
    CanonicalRequest request(Map<String, Object> arguments) {
        Object timeout = arguments.get("timeoutMs");
        Map<String, Object> options = new LinkedHashMap<>();
        if (arguments.get("maxOutputBytes") != null) {
            options.put("maxOutputBytes", arguments.get("maxOutputBytes"));
        }
        return new CanonicalRequest(
                (String) arguments.get("prompt"),
                null,
                (String) arguments.get("sessionId"),
                null,
                false,
                false,
                workingDir,
                timeout == null
                        ? ProviderRequestService.DEFAULT_TIMEOUT
                        : Duration.ofMillis(((Number) timeout).longValue()),
                ProviderRequestService.DEFAULT_IDLE_TIMEOUT,
                (String) arguments.get("correlationId"),
                ProviderOptions.of(OPTIONS, options),
                Principal.LOCAL,
                null);
    }

    @Override
    public PreparedRun prepare(ProviderId cli, CanonicalRequest request, boolean reserveSession) {
        if (request.prompt().isBlank()) {
            throw GatewayException.invalidArgument("prompt must not be empty.");
        }
        prepared.incrementAndGet();
        String sessionId = request.sessionId() == null ? "gw-" + UUID.randomUUID() : request.sessionId();
        String correlationId =
                request.correlationId() == null ? UUID.randomUUID().toString() : request.correlationId();
        ProcessSpec.Builder spec = ProcessSpec.builder(script.toString())
                .workingDir(workingDir)
                .environment(System.getenv()) // the fake agent is a bash script: it needs the PATH
                .stdin(request.prompt())
                .wallTimeout(request.timeout())
                .killGrace(Duration.ofMillis(500));
        request.options().integer("maxOutputBytes").ifPresent(spec::maxOutputBytes);
        return new PreparedRun(
                spec.build(),
                sessionId,
                correlationId,
                new RunContext(
                        sessionId,
                        Continuation.fresh(),
                        workingDir,
                        null,
                        correlationId,
                        request.timeout(),
                        request.idleTimeout(),
                        List.of(),
                        request.owner(),
                        Map.of()));
    }

    @Override
    public ProviderResult complete(ProviderId cli, RunContext context, ProcessOutcome outcome) {
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
            throw new GatewayException(
                    ErrorCode.CLI_ERROR,
                    "The fake CLI failed.",
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
        nativeIds.put(context.sessionId(), nativeId);
        return new ProviderResult(
                cli,
                response,
                context.sessionId(),
                nativeId,
                false,
                null,
                Usage.UNKNOWN,
                null,
                outcome.duration().toMillis(),
                outcome.exitCode(),
                context.correlationId(),
                false,
                List.of());
    }

    @Override
    public void abandon(RunContext context) {
        abandoned.add(context.sessionId());
    }

    /** fake-agent.sh prints Claude Code's events, whatever provider it stands in for. */
    @Override
    public Optional<String> toolStarted(ProviderId cli, JsonNode event) {
        return CLAUDE.toolStarted(event);
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
