package io.llmgateway.http;

import io.llmgateway.core.Principal;
import io.llmgateway.grant.GrantService;
import io.llmgateway.grant.GrantTokens;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who an {@code Authorization: Bearer} header names: a grant token ({@code lgw_...}, listed and not
 * expired), or a JWT of the configured authorization server whose principal claim is a valid grant name
 * that is neither {@code local} nor the name of a grant token (one namespace: a JWT cannot act as a grant
 * it was not given). Anything else is refused the same way, so a client learns nothing from the refusal.
 */
final class BearerAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthenticator.class);
    private static final String BEARER = "bearer ";

    private final GrantTokens grants;
    private final Optional<JwtVerifier> jwt;

    BearerAuthenticator(GrantTokens grants, Optional<JwtVerifier> jwt) {
        this.grants = grants;
        this.jwt = jwt;
    }

    /** The outcome for one request: a principal, or why not ({@code tokenSent} false when there was no token). */
    record Result(Optional<Principal> principal, boolean tokenSent) {}

    Result authenticate(String authorization) {
        if (authorization == null
                || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return new Result(Optional.empty(), false);
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (token.startsWith(GrantService.TOKEN_PREFIX)) {
            return new Result(grants.authenticate(token), true);
        }
        if (jwt.isEmpty() || token.chars().filter(c -> c == '.').count() != 2) {
            return new Result(Optional.empty(), true);
        }
        try {
            Optional<String> name = jwt.get().principalName(token);
            if (name.isEmpty()
                    || !Principal.isValidName(name.get())
                    || Principal.LOCAL_NAME.equals(name.get())
                    || grants.isGrantName(name.get())) {
                LOG.info("a JWT was refused: its principal claim is missing, not a valid grant name, 'local' or a "
                        + "grant token's name");
                return new Result(Optional.empty(), true);
            }
            return new Result(Optional.of(new Principal(name.get())), true);
        } catch (JwtVerifier.InvalidTokenException e) {
            LOG.info("{}", e.getMessage());
            return new Result(Optional.empty(), true);
        }
    }
}
