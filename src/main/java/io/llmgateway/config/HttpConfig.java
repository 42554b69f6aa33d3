package io.llmgateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of the Streamable HTTP transport ({@code LLM_GATEWAY_TRANSPORT=http}), read once from the
 * environment. Plain values only: nothing here loads the HTTP server's classes.
 *
 * @param host           {@code LLM_GATEWAY_HTTP_HOST}, default 127.0.0.1
 * @param port           {@code LLM_GATEWAY_HTTP_PORT}, default 3333; 0 picks a free port
 * @param path           {@code LLM_GATEWAY_HTTP_PATH}, default {@code /mcp}
 * @param maxBodyBytes   {@code LLM_GATEWAY_MAX_HTTP_BODY_BYTES}, default 8 MiB: a larger request body gets 413
 * @param allowedOrigins {@code LLM_GATEWAY_HTTP_ALLOWED_ORIGINS}: browser origins allowed to call (comma-separated,
 *                       e.g. {@code https://app.example.com}); a request with any other Origin gets 403
 * @param publicUrl      {@code LLM_GATEWAY_HTTP_PUBLIC_URL}: this MCP endpoint's URL as clients reach it (the
 *                       OAuth resource and JWT audience); empty for {@code http://<host>:<port><path>}
 * @param sessionIdle    {@code LLM_GATEWAY_HTTP_SESSION_IDLE_MS}, default 30 min: an MCP session without
 *                       requests for between one and two of these is ended (its id then gets 404)
 * @param jwt            accepting JWT access tokens from one authorization server, if configured
 */
public record HttpConfig(
        String host,
        int port,
        String path,
        int maxBodyBytes,
        List<String> allowedOrigins,
        Optional<URI> publicUrl,
        Duration sessionIdle,
        Optional<JwtIssuer> jwt) {

    public static final int DEFAULT_PORT = 3333;
    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
    public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

    /**
     * @param issuer         {@code LLM_GATEWAY_OAUTH_ISSUER}: the {@code iss} every token must carry
     * @param jwksUrl        {@code LLM_GATEWAY_OAUTH_JWKS_URL}: where the issuer publishes its signing keys
     * @param principalClaim {@code LLM_GATEWAY_OAUTH_PRINCIPAL_CLAIM}, default {@code sub}: the claim naming the grant
     */
    public record JwtIssuer(String issuer, URI jwksUrl, String principalClaim) {}

    public HttpConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Whether {@code LLM_GATEWAY_TRANSPORT} (or the original's {@code MCP_TRANSPORT}) asks for HTTP. */
    public static boolean requested(Map<String, String> env) {
        String variable = text(env, "LLM_GATEWAY_TRANSPORT").isPresent()
                        || text(env, "MCP_TRANSPORT").isEmpty()
                ? "LLM_GATEWAY_TRANSPORT"
                : "MCP_TRANSPORT";
        String value = text(env, variable).orElse("stdio").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "http" -> true;
            case "stdio" -> false;
            default -> throw new IllegalArgumentException(variable + " must be stdio or http, got '" + value + "'");
        };
    }

    public static HttpConfig fromEnvironment(Map<String, String> env) {
        requested(env); // a malformed transport variable is named even when --transport=http chose HTTP
        String host = text(env, "LLM_GATEWAY_HTTP_HOST").orElse("127.0.0.1");
        long port = EnvValues.nonNegativeLong(env, "LLM_GATEWAY_HTTP_PORT", DEFAULT_PORT);
        if (port > 65_535) {
            throw new IllegalArgumentException("LLM_GATEWAY_HTTP_PORT must be at most 65535, got " + port);
        }
        String path = text(env, "LLM_GATEWAY_HTTP_PATH").orElse("/mcp");
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("LLM_GATEWAY_HTTP_PATH must be a path like /mcp (segments of letters, "
                    + "digits and . _ ~ -, no trailing slash), got '" + path + "'");
        }
        if (path.equals("/healthz") || path.startsWith("/.well-known")) {
            throw new IllegalArgumentException(
                    "LLM_GATEWAY_HTTP_PATH must not be " + path + ": the gateway serves that itself");
        }
        long maxBody = EnvValues.positiveLong(env, "LLM_GATEWAY_MAX_HTTP_BODY_BYTES", DEFAULT_MAX_BODY_BYTES);
        if (maxBody > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "LLM_GATEWAY_MAX_HTTP_BODY_BYTES must be at most " + (Integer.MAX_VALUE - 8));
        }
        Duration idle = Duration.ofMillis(
                EnvValues.positiveLong(env, "LLM_GATEWAY_HTTP_SESSION_IDLE_MS", DEFAULT_SESSION_IDLE.toMillis()));
        return new HttpConfig(
                host,
                (int) port,
                path,
                (int) maxBody,
                origins(env),
                text(env, "LLM_GATEWAY_HTTP_PUBLIC_URL").map(u -> httpUrl("LLM_GATEWAY_HTTP_PUBLIC_URL", u, false)),
                idle,
                jwt(env));
    }

    private static List<String> origins(Map<String, String> env) {
        List<String> origins = new ArrayList<>();
        for (String raw :
                text(env, "LLM_GATEWAY_HTTP_ALLOWED_ORIGINS").orElse("").split(",")) {
            String origin = raw.trim();
            if (origin.isEmpty()) {
                continue;
            }
            URI uri = httpUrl("LLM_GATEWAY_HTTP_ALLOWED_ORIGINS", origin, false);
            if ((uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null) {
                throw new IllegalArgumentException(
                        "LLM_GATEWAY_HTTP_ALLOWED_ORIGINS holds origins (scheme://host[:port]), "
                                + "without a path; got '" + origin + "'");
            }
            origins.add(normalizeOrigin(origin));
        }
        return origins;
    }

    /** An origin as browsers send it, lower-cased: compare Origin headers after this. */
    public static String normalizeOrigin(String origin) {
        return origin.trim().toLowerCase(Locale.ROOT);
    }

    private static Optional<JwtIssuer> jwt(Map<String, String> env) {
        Optional<String> issuer = text(env, "LLM_GATEWAY_OAUTH_ISSUER");
        Optional<String> jwks = text(env, "LLM_GATEWAY_OAUTH_JWKS_URL");
        if (issuer.isEmpty() && jwks.isEmpty()) {
            return Optional.empty();
        }
        if (issuer.isEmpty() || jwks.isEmpty()) {
            throw new IllegalArgumentException(
                    "LLM_GATEWAY_OAUTH_ISSUER and LLM_GATEWAY_OAUTH_JWKS_URL go together: set both "
                            + "to accept JWT access tokens, or neither");
        }
        String claim = text(env, "LLM_GATEWAY_OAUTH_PRINCIPAL_CLAIM").orElse("sub");
        return Optional.of(new JwtIssuer(issuer.get(), httpUrl("LLM_GATEWAY_OAUTH_JWKS_URL", jwks.get(), true), claim));
    }

    /** An http(s) URL; with {@code secure}, plain http only to a loopback host (a test or a local proxy). */
    private static URI httpUrl(String variable, String value, boolean secure) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(variable + " must be a URL, got '" + value + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(variable + " must be an http:// or https:// URL, got '" + value + "'");
        }
        if (secure && scheme.equals("http") && !isLoopbackName(uri.getHost())) {
            throw new IllegalArgumentException(variable + " must use https (plain http only to 127.0.0.1, ::1 or "
                    + "localhost), got '" + value + "'");
        }
        return uri;
    }

    /** Loopback by its literal name, without a DNS lookup. */
    public static boolean isLoopbackName(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.equals("::1") || h.startsWith("127.");
    }

    private static Optional<String> text(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
