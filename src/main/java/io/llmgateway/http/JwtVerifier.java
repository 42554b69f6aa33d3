package io.llmgateway.http;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.llmgateway.config.HttpConfig;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.Optional;
import java.util.Set;

/**
 * Checks JWT access tokens of the one configured authorization server with nimbus-jose-jwt: the signature
 * against the issuer's published keys (JWKS, fetched and cached by the library), an asymmetric algorithm,
 * the {@code JWT} or {@code at+jwt} type, {@code iss} equal to the issuer, {@code aud} containing this
 * resource's URL, {@code exp} present and not past and {@code nbf} not in the future (with the library's
 * 60 s clock skew), and the principal claim present. Nothing is checked by hand.
 */
final class JwtVerifier {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final HttpConfig.JwtIssuer issuer;

    JwtVerifier(HttpConfig.JwtIssuer issuer, URI audience) {
        this.issuer = issuer;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(issuer.jwksUrl().toURL())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("LLM_GATEWAY_OAUTH_JWKS_URL is not a URL: " + issuer.jwksUrl(), e);
        }
        processor.setJWSTypeVerifier(
                new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                Set.of(audience.toString()),
                new JWTClaimsSet.Builder().issuer(issuer.issuer()).build(),
                Set.of("iss", "aud", "exp", issuer.principalClaim()),
                null));
    }

    /** What a valid token says about its subject; empty when it is not valid (the reason is only logged). */
    Optional<String> principalName(String token) throws InvalidTokenException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException e) {
            throw new InvalidTokenException("the JWT was refused: " + e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new InvalidTokenException("the JWT could not be checked: " + e.getMessage());
        }
        Object value = claims.getClaim(issuer.principalClaim());
        return value instanceof String name ? Optional.of(name) : Optional.empty();
    }

    /** A token that is not valid, with why (for the log, not for the client). */
    static final class InvalidTokenException extends Exception {
        InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }
}
