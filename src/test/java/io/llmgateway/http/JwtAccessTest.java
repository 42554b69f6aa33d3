package io.llmgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.llmgateway.core.Json;
import io.llmgateway.support.HttpMcp;
import io.llmgateway.support.HttpTestGateway;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT access tokens from one configured authorization server, checked by nimbus-jose-jwt: tokens signed
 * with a test RSA key whose public half a JDK HttpServer on 127.0.0.1 serves as the JWKS.
 */
class JwtAccessTest {
    private static final String ISSUER = "https://idp.example.com/";

    @TempDir
    Path dataDir;

    private HttpServer jwks;
    private RSAKey key;
    private HttpTestGateway gw;

    @BeforeEach
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("test-key").generate();
        byte[] published = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, published.length);
            exchange.getResponseBody().write(published);
            exchange.close();
        });
        jwks.start();
        HttpTestGateway.addGrant(dataDir, "ci", null, Clock.systemUTC());
        gw = HttpTestGateway.start(
                dataDir,
                Map.of(
                        "LLM_GATEWAY_OAUTH_ISSUER",
                        ISSUER,
                        "LLM_GATEWAY_OAUTH_JWKS_URL",
                        "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json"),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        gw.close();
        jwks.stop(0);
    }

    /** A token valid for this gateway, changed by {@code edit}. */
    private String token(Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        return sign(key, edit);
    }

    private String sign(RSAKey signingKey, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject("dana@example.com")
                .audience(gw.url().toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
        edit.accept(claims);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(signingKey.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
    }

    private int initializeStatus(String token) {
        HttpMcp mcp = new HttpMcp(gw.url(), token);
        HttpResponse<String> response = mcp.post(mcp.request(
                "initialize",
                Map.of(
                        "protocolVersion",
                        HttpMcp.PROTOCOL_VERSION,
                        "capabilities",
                        Map.of(),
                        "clientInfo",
                        Map.of("name", "t", "version", "1"))));
        if (response.statusCode() == 401) {
            assertTrue(response.headers()
                    .firstValue("WWW-Authenticate")
                    .orElseThrow()
                    .contains("invalid_token"));
        }
        return response.statusCode();
    }

    @Test
    void aValidTokenIsAcceptedAndItsSubjectIsTheGrant() throws Exception {
        HttpMcp dana = new HttpMcp(gw.url(), token(claims -> {}));
        dana.initialize();
        String session = dana.call("session_create", Map.of("cli", "codex"))
                .get("session")
                .get("id")
                .asText();
        assertEquals(
                session,
                dana.call("session_get", Map.of("sessionId", session))
                        .get("session")
                        .get("id")
                        .asText());

        HttpMcp other = new HttpMcp(gw.url(), token(claims -> claims.subject("erin@example.com")));
        other.initialize();
        assertEquals(
                "session_not_found",
                other.call("session_get", Map.of("sessionId", session))
                        .get("errorCode")
                        .asText(),
                "another subject is another grant");

        JsonNode metadata = Json.newMapper()
                .readTree(HttpMcp.send(java.net.http.HttpRequest.newBuilder(
                                        gw.url().resolve("/.well-known/oauth-protected-resource/mcp"))
                                .GET())
                        .body());
        assertEquals(
                "[\"" + ISSUER + "\"]", metadata.get("authorization_servers").toString());
    }

    @Test
    void expiredNotYetValidWrongAudienceAndWrongIssuerAreEachRefused() throws Exception {
        Instant now = Instant.now();
        assertEquals(200, initializeStatus(token(claims -> {})));
        assertEquals(
                401,
                initializeStatus(token(claims -> claims.expirationTime(Date.from(now.minus(Duration.ofHours(1)))))),
                "expired");
        assertEquals(
                401,
                initializeStatus(token(claims -> claims.notBeforeTime(Date.from(now.plus(Duration.ofHours(1)))))),
                "not valid yet");
        assertEquals(
                401,
                initializeStatus(token(claims -> claims.audience("https://other.example.com/mcp"))),
                "wrong audience");
        assertEquals(
                401, initializeStatus(token(claims -> claims.issuer("https://evil.example.com/"))), "wrong issuer");
        assertEquals(401, initializeStatus(token(claims -> claims.expirationTime(null))), "no exp");
        assertEquals(401, initializeStatus(token(claims -> claims.subject(null))), "no principal claim");
    }

    @Test
    void aTokenSignedByAnotherKeyOrUnsignedIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("test-key").generate();
        assertEquals(401, initializeStatus(sign(stranger, claims -> {})), "signed with another key of the same id");
        String[] parts = token(claims -> {}).split("\\.");
        String none = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        assertEquals(401, initializeStatus(none), "alg none");
        assertEquals(
                401,
                initializeStatus(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 20) + "AAAA"),
                "a damaged signature");
    }

    @Test
    void aSubjectMayNotActAsLocalOrAsAGrantToken() throws Exception {
        assertEquals(401, initializeStatus(token(claims -> claims.subject("local"))), "local is the stdio caller");
        assertEquals(401, initializeStatus(token(claims -> claims.subject("ci"))), "ci is a grant token's name");
        assertEquals(401, initializeStatus(token(claims -> claims.subject("bad name with spaces"))));
    }
}
