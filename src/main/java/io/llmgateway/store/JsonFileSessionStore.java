package io.llmgateway.store;

/** TEMPORARY volatile stand-in so main compiles until the journaled file store lands (next merge). */
public final class JsonFileSessionStore extends io.llmgateway.session.SessionStoreTmp {
    public JsonFileSessionStore(java.nio.file.Path dataDir, java.time.Clock clock) {
    }
}
