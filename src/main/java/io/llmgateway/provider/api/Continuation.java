package io.llmgateway.provider.api;

import java.util.Objects;

/**
 * Which conversation a CLI run continues.
 *
 * @param nativeSessionId the provider's own session id, only for {@link Kind#RESUME}
 */
public record Continuation(Kind kind, String nativeSessionId) {

    public enum Kind {
        /** A new conversation. */
        FRESH,
        /** The conversation with {@link #nativeSessionId()}. */
        RESUME,
        /** The CLI's own "continue the latest conversation" mechanism. */
        LATEST
    }

    public Continuation {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.RESUME) != (nativeSessionId != null)) {
            throw new IllegalArgumentException("a native session id goes with RESUME and only with it");
        }
    }

    public static Continuation fresh() {
        return new Continuation(Kind.FRESH, null);
    }

    public static Continuation resume(String nativeSessionId) {
        return new Continuation(Kind.RESUME, Objects.requireNonNull(nativeSessionId, "nativeSessionId"));
    }

    public static Continuation latest() {
        return new Continuation(Kind.LATEST, null);
    }

    public boolean isResume() {
        return kind == Kind.RESUME;
    }

    /** Whether the run continues an earlier conversation (by id or the latest). */
    public boolean continuesConversation() {
        return kind != Kind.FRESH;
    }
}
