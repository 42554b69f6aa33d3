package io.llmgateway.grant;

import java.time.Instant;
import java.util.Objects;

/**
 * A way in over HTTP: a name (the principal its calls run as) and the SHA-256 of its bearer token. The
 * token itself is shown once, when the grant is added, and never stored.
 *
 * @param tokenSha256 lower-case hex SHA-256 of the token's UTF-8 bytes
 * @param expiresAt   when the token stops working; null for never
 */
public record Grant(String name, String tokenSha256, Instant createdAt, Instant expiresAt) {
    public Grant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tokenSha256, "tokenSha256");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
