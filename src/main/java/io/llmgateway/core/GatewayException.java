package io.llmgateway.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A domain failure a person can act on. Services throw it; the tools layer maps it to an
 * {@code isError} result with {@code errorCode} plus {@link #details()} merged into structuredContent.
 * The message must never contain a stack trace, an environment value or a secret.
 */
public class GatewayException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;

    public GatewayException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public GatewayException(ErrorCode code, String message, Map<String, ?> details) {
        super(message, null, false, false);
        this.code = code;
        this.details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public ErrorCode code() {
        return code;
    }

    /** Extra structured fields (e.g. exitCode, stderrExcerpt); values must be JSON-serialisable. */
    public Map<String, Object> details() {
        return details;
    }

    public static GatewayException invalidArgument(String message) {
        return new GatewayException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
