package io.llmgateway.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The identity of a request for deduplication: SHA-256 of the canonical JSON (keys sorted at every
 * level) of the provider, the arguments without those that do not change what runs, the resolved working
 * directory and the resolved session, and for a grant other than {@code local} the grant: grants never share
 * a job.
 */
final class DedupKey {
    /** Arguments that do not change what runs. */
    static final Set<String> IGNORED_ARGUMENTS = Set.of("forceRefresh", "correlationId");

    private final ObjectMapper canonical;

    DedupKey(ObjectMapper mapper) {
        this.canonical = mapper.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    String of(Principal owner, ProviderId cli, Map<String, Object> arguments, RequestIdentity identity) {
        Map<String, Object> args = new LinkedHashMap<>(arguments);
        IGNORED_ARGUMENTS.forEach(args::remove);
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("provider", cli.wireName());
        key.put("arguments", args);
        key.put("workingDir", identity.workingDir().toString());
        key.put("session", identity.sessionKey());
        if (!owner.isLocal()) {
            key.put("grant", owner.name());
        }
        try {
            byte[] json = canonical.writeValueAsBytes(key);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot compute a request's dedup key", e);
        }
    }
}
