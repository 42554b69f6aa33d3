package io.llmgateway.session;
public class SessionStoreTmp implements SessionStore {
    private final SessionState state = new SessionState();
    public synchronized <T> T read(java.util.function.Function<SessionState, T> q) { return q.apply(state); }
    public synchronized <T> T update(java.util.function.Function<SessionState, Transaction<T>> t) { Transaction<T> tx = t.apply(state); tx.changes().forEach(state::apply); return tx.result(); }
    public java.util.List<String> warnings() { return java.util.List.of(); }
    public void close() {}
}
