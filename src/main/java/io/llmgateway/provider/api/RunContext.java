package io.llmgateway.provider.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.llmgateway.core.Principal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What completing a prepared request needs, stored in the job record so that any gateway process can finish
 * the request. Never holds the prompt or the environment. Its JSON is a map of strings (the job file format
 * since 0.1.0: add keys, never rename them).
 *
 * @param sessionId    the gw-* session to record the run on; null to find or create one by native id
 * @param model        the requested model, or null
 * @param scratchFiles temporary files the CLI reads, deleted when the run is complete
 * @param owner        the grant that made the request: the run is recorded on its sessions
 * @param sessionMetadata what the completed run records on its session besides its directory (e.g. the workspace)
 */
public record RunContext(
        String sessionId,
        Continuation continuation,
        Path workingDir,
        String model,
        String correlationId,
        Duration timeout,
        Duration idleTimeout,
        List<Path> scratchFiles,
        Principal owner,
        Map<String, String> sessionMetadata) {
    private static final String SESSION_METADATA_PREFIX = "session.";

    public RunContext {
        Objects.requireNonNull(continuation, "continuation");
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(owner, "owner");
        scratchFiles = List.copyOf(scratchFiles);
        sessionMetadata = Map.copyOf(sessionMetadata);
    }

    @JsonValue
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        putIfPresent(map, "sessionId", sessionId);
        map.put("continuation", continuation.kind().name());
        putIfPresent(map, "nativeSessionId", continuation.nativeSessionId());
        map.put("workingDir", workingDir.toString());
        putIfPresent(map, "model", model);
        map.put("correlationId", correlationId);
        map.put("timeoutMs", Long.toString(timeout.toMillis()));
        map.put("idleTimeoutMs", Long.toString(idleTimeout.toMillis()));
        if (!scratchFiles.isEmpty()) {
            map.put(
                    "scratchFiles",
                    String.join("\n", scratchFiles.stream().map(Path::toString).toList()));
        }
        putIfPresent(map, "owner", owner.storedOwner());
        sessionMetadata.forEach((key, value) -> map.put(SESSION_METADATA_PREFIX + key, value));
        return map;
    }

    @JsonCreator
    public static RunContext of(Map<String, String> map) {
        Continuation.Kind kind = Continuation.Kind.valueOf(map.get("continuation"));
        List<Path> scratch = new ArrayList<>();
        String files = map.get("scratchFiles");
        if (files != null) {
            for (String file : files.split("\n")) {
                scratch.add(Path.of(file));
            }
        }
        Map<String, String> sessionMetadata = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (key.startsWith(SESSION_METADATA_PREFIX)) {
                sessionMetadata.put(key.substring(SESSION_METADATA_PREFIX.length()), value);
            }
        });
        return new RunContext(
                map.get("sessionId"),
                new Continuation(kind, map.get("nativeSessionId")),
                Path.of(map.get("workingDir")),
                map.get("model"),
                map.get("correlationId"),
                Duration.ofMillis(Long.parseLong(map.get("timeoutMs"))),
                Duration.ofMillis(Long.parseLong(map.get("idleTimeoutMs"))),
                scratch,
                Principal.ofStoredOwner(map.get("owner")),
                sessionMetadata);
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
