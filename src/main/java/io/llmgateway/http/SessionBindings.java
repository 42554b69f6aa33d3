package io.llmgateway.http;

import io.llmgateway.core.Principal;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which grant opened each MCP session: a session id is usable only with the token of the grant that
 * initialized it; for any other grant it does not exist (404, as for an unknown id). Entries of sessions
 * the SDK has ended are dropped by {@link #forgetIdle} well after the SDK's own idle limit.
 */
final class SessionBindings {
    private record Binding(String principal, long lastSeenNanos) {}

    private final ConcurrentHashMap<String, Binding> sessions = new ConcurrentHashMap<>();

    void bind(String sessionId, Principal principal) {
        sessions.put(sessionId, new Binding(principal.name(), System.nanoTime()));
    }

    /** False when the session was opened by another grant; an id never seen is left to the SDK (404). */
    boolean allows(String sessionId, Principal principal) {
        Binding binding =
                sessions.computeIfPresent(sessionId, (id, b) -> new Binding(b.principal(), System.nanoTime()));
        return binding == null || binding.principal().equals(principal.name());
    }

    void forget(String sessionId) {
        sessions.remove(sessionId);
    }

    void forgetIdle(Duration idle) {
        long now = System.nanoTime();
        sessions.values().removeIf(b -> now - b.lastSeenNanos() > idle.toNanos());
    }
}
