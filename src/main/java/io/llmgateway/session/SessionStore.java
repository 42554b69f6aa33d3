package io.llmgateway.session;

import java.util.List;
import java.util.function.Function;

/**
 * Durable storage of {@link SessionState}, shared by every gateway process on one data directory.
 * Implementations must make each {@link #update} atomic across processes and durable before it
 * returns, and make every {@link #read} see all updates acknowledged by any process before it.
 * Failures to reach storage throw {@code GatewayException(STORE_UNAVAILABLE)}.
 */
public interface SessionStore extends AutoCloseable {

    /** Runs {@code query} against the current state; the state must not escape the call. */
    <T> T read(Function<SessionState, T> query);

    /**
     * Runs {@code transaction} against the current state under the store's exclusive lock, then
     * durably persists the changes it returns before returning its result.
     */
    <T> T update(Function<SessionState, Transaction<T>> transaction);

    /** Problems found while loading (e.g. a quarantined corrupt file), newest last. */
    List<String> warnings();

    @Override
    void close();

    /** What a transaction decided: the changes to persist and the value to hand back. */
    record Transaction<T>(List<SessionChange> changes, T result) {
        public Transaction {
            changes = List.copyOf(changes);
        }

        public static <T> Transaction<T> of(T result, SessionChange... changes) {
            return new Transaction<>(List.of(changes), result);
        }
    }
}
