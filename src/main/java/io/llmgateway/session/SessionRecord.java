package io.llmgateway.session;

import io.llmgateway.core.ProviderId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A gateway session record ({@code gw-<uuid>}) mapping to a provider's native conversation.
 *
 * @param nativeSessionId the provider's own id (Claude session_id, Codex thread_id, ...), null until known
 * @param metadata small gateway-owned string map (e.g. the working directory a resume must use)
 * @param owner    the grant that created it ({@link io.llmgateway.core.Principal#storedOwner()}); null is
 *                 {@code local}, as every record written before grants existed
 */
public record SessionRecord(
        String id,
        ProviderId cli,
        String description,
        Instant createdAt,
        Instant lastUsedAt,
        String nativeSessionId,
        Map<String, String> metadata,
        String owner) {

    public SessionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cli, "cli");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public SessionRecord withLastUsedAt(Instant when) {
        return new SessionRecord(id, cli, description, createdAt, when, nativeSessionId, metadata, owner);
    }

    public SessionRecord withNativeSessionId(String nativeId) {
        return new SessionRecord(id, cli, description, createdAt, lastUsedAt, nativeId, metadata, owner);
    }

    public SessionRecord withMetadata(Map<String, String> newMetadata) {
        return new SessionRecord(id, cli, description, createdAt, lastUsedAt, nativeSessionId, newMetadata, owner);
    }
}
