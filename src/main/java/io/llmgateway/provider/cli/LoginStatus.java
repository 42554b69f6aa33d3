package io.llmgateway.provider.cli;

import java.util.Locale;
import java.util.Objects;

/**
 * Whether a CLI can make requests without someone logging in first. Never carries account names,
 * keys or raw CLI output: only the state, a short method token and the gateway's own wording.
 *
 * @param method how it is authenticated when known (e.g. "api_key", "chatgpt"), else null
 * @param detail what the state is based on, in the gateway's words
 */
public record LoginStatus(State state, String method, String detail) {
    public enum State {
        LOGGED_IN,
        NOT_LOGGED_IN,
        UNKNOWN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LoginStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        if (method != null && !method.matches("[A-Za-z0-9_.-]{1,40}")) {
            method = null;
        }
    }

    public static LoginStatus loggedIn(String method, String detail) {
        return new LoginStatus(State.LOGGED_IN, method, detail);
    }

    public static LoginStatus notLoggedIn(String detail) {
        return new LoginStatus(State.NOT_LOGGED_IN, null, detail);
    }

    public static LoginStatus unknown(String detail) {
        return new LoginStatus(State.UNKNOWN, null, detail);
    }
}
