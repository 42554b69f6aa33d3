package io.llmgateway.grant;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Sha256;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Adds, lists and revokes grants in the data directory (the offline {@code grant} commands). A new token
 * is {@value #TOKEN_PREFIX} plus 32 random bytes (256 bits) in base64url; only its SHA-256 is stored, which
 * is enough for a random secret of that size (nothing to guess from the hash).
 */
public final class GrantService {
    public static final String TOKEN_PREFIX = "lgw_";
    static final int TOKEN_BYTES = 32;
    public static final long MAX_EXPIRY_DAYS = 36_500;

    private final GrantFile file;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public GrantService(GrantFile file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** A grant just added, with the token that is shown this once. */
    public record NewGrant(Grant grant, String token) {}

    /**
     * @param expiresInDays null for a token that does not expire
     * @throws GatewayException invalid_argument for a bad name or expiry, or a name already in use
     */
    public NewGrant add(String name, Long expiresInDays) {
        if (!GrantNames.isValid(name)) {
            throw GatewayException.invalidArgument("A grant name is " + GrantNames.rule() + "; got '" + name + "'.");
        }
        if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > MAX_EXPIRY_DAYS)) {
            throw GatewayException.invalidArgument(
                    "--expires takes 1 to " + MAX_EXPIRY_DAYS + " days; got " + expiresInDays + ".");
        }
        byte[] secret = new byte[TOKEN_BYTES];
        random.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Grant grant = new Grant(
                name, sha256Hex(token), now, expiresInDays == null ? null : now.plus(Duration.ofDays(expiresInDays)));
        update(grants -> {
            if (grants.stream().anyMatch(g -> g.name().equals(name))) {
                throw GatewayException.invalidArgument("There is already a grant named '" + name
                        + "'; revoke it first (grant revoke " + name + ") or choose another name.");
            }
            List<Grant> next = new ArrayList<>(grants);
            next.add(grant);
            return next;
        });
        return new NewGrant(grant, token);
    }

    public List<Grant> list() {
        try {
            return file.read();
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** @return the revoked grant; empty when there is none of that name */
    public Optional<Grant> revoke(String name) {
        Optional<Grant> existing =
                list().stream().filter(g -> g.name().equals(name)).findFirst();
        if (existing.isPresent()) {
            update(grants -> grants.stream().filter(g -> !g.name().equals(name)).toList());
        }
        return existing;
    }

    private void update(java.util.function.UnaryOperator<List<Grant>> change) {
        try {
            file.update(change);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private GatewayException unavailable(IOException e) {
        return new GatewayException(
                ErrorCode.STORE_UNAVAILABLE, "The grants file " + file.path() + " cannot be used: " + e.getMessage());
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes: what the grants file stores. */
    public static String sha256Hex(String token) {
        return Sha256.hex(token);
    }
}
