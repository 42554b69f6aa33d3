package io.llmgateway.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmgateway.core.ProviderId;
import io.llmgateway.core.Sha256;
import io.llmgateway.provider.api.CanonicalRequest;

/**
 * The identity of a request for deduplication: SHA-256 of the canonical JSON (map keys sorted at every
 * level) of the provider and the canonical request without its correlation id. The canonical request holds
 * the real working directory, the resolved session and the grant making it, so equal keys mean the same run in
 * the same place on the same conversation for the same grant: grants never share a job.
 */
final class DedupKey {
    private final ObjectMapper canonical;

    DedupKey(ObjectMapper mapper) {
        this.canonical = JobJson.mapper(mapper).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /** What is hashed. */
    private record Identity(ProviderId provider, CanonicalRequest request) {}

    String of(ProviderId cli, CanonicalRequest request) {
        try {
            byte[] json = canonical.writeValueAsBytes(new Identity(cli, request.withoutCorrelationId()));
            return Sha256.hex(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot compute a request's dedup key", e);
        }
    }
}
