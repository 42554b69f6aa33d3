package io.llmgateway.support;

import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionState;
import io.llmgateway.session.SessionStore;
import java.util.List;
import java.util.function.Function;

/** Volatile store for tests of session rules and the protocol that do not exercise persistence. */
public final class InMemorySessionStore implements SessionStore {
    private final SessionState state = new SessionState();

    @Override
    public synchronized <T> T read(Function<SessionState, T> query) {
        return query.apply(state);
    }

    @Override
    public synchronized <T> T update(Function<SessionState, Transaction<T>> transaction) {
        Transaction<T> tx = transaction.apply(state);
        for (SessionChange change : tx.changes()) {
            state.apply(change);
        }
        return tx.result();
    }

    @Override
    public List<String> warnings() {
        return List.of();
    }

    @Override
    public void close() {}
}
