package io.llmgateway.provider;

import io.llmgateway.core.Principal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link ProviderRequestService#complete} needs of a prepared request, as a string map a job stores
 * on disk so that any gateway process can finish the request. Never holds the prompt or the environment.
 *
 * @param sessionId    the gw-* session to record the run on; null to find or create one by native id
 * @param model        the requested model, or null
 * @param scratchFiles temporary files the CLI reads, deleted when the run is complete
 * @param owner        the grant that made the request: the run is recorded on its sessions
 */
record RunContext(String sessionId, Continuation continuation, Path workingDir, String model, String correlationId,
        Duration timeout, Duration idleTimeout, List<Path> scratchFiles, Principal owner) {
    private static final Logger log = LoggerFactory.getLogger(RunContext.class);

    RunContext {
        scratchFiles = List.copyOf(scratchFiles);
    }

    Map<String, String> toMap() {
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
            map.put("scratchFiles", String.join("\n", scratchFiles.stream().map(Path::toString).toList()));
        }
        putIfPresent(map, "owner", owner.storedOwner());
        return map;
    }

    static RunContext of(Map<String, String> map) {
        Continuation.Kind kind = Continuation.Kind.valueOf(map.get("continuation"));
        Continuation continuation = new Continuation(kind, map.get("nativeSessionId"));
        List<Path> scratch = new ArrayList<>();
        String files = map.get("scratchFiles");
        if (files != null) {
            for (String file : files.split("\n")) {
                scratch.add(Path.of(file));
            }
        }
        return new RunContext(map.get("sessionId"), continuation, Path.of(map.get("workingDir")), map.get("model"),
                map.get("correlationId"), Duration.ofMillis(Long.parseLong(map.get("timeoutMs"))),
                Duration.ofMillis(Long.parseLong(map.get("idleTimeoutMs"))), scratch,
                Principal.ofStoredOwner(map.get("owner")));
    }

    void deleteScratchFiles() {
        for (Path file : scratchFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("could not delete temporary file {}: {}", file, e.toString());
            }
        }
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
