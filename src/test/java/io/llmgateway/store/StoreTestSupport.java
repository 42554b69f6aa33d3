package io.llmgateway.store;

import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionState;
import io.llmgateway.session.SessionStore;
import io.llmgateway.session.SessionStore.Transaction;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/** Records and transactions shared by the store's tests, its worker JVM and its benchmark. */
final class StoreTestSupport {
    static final Instant T0 = Instant.parse("2026-11-22T04:08:12Z");

    private StoreTestSupport() {}

    static SessionRecord record(String id, ProviderId cli) {
        return new SessionRecord(
                id,
                cli,
                cli.displayName() + " session",
                T0,
                T0.plusSeconds(60),
                "native-" + id,
                Map.of("workingDir", "/home/user/project"),
                null);
    }

    static String newId() {
        return "gw-" + UUID.randomUUID();
    }

    /** What {@code session_create} does: insert a record and make it the provider's active session. */
    static String create(SessionStore store, ProviderId cli) {
        String id = newId();
        store.update(state ->
                Transaction.of(id, new SessionChange.Put(record(id, cli)), new SessionChange.SetActive(cli, id, null)));
        return id;
    }

    static void delete(SessionStore store, String id) {
        store.update(state -> Transaction.of(id, new SessionChange.Delete(id)));
    }

    static Set<String> ids(SessionStore store) {
        return store.read(state -> {
            Set<String> ids = new TreeSet<>();
            state.records().forEach(r -> ids.add(r.id()));
            return ids;
        });
    }

    /** Records and active pointers in comparable form. */
    static Map<String, Object> contents(SessionState state) {
        Map<String, Object> contents = new TreeMap<>();
        state.records().forEach(r -> contents.put(r.id(), r));
        for (String owner : state.activeOwners()) {
            for (ProviderId cli : ProviderId.values()) {
                state.activeId(new Principal(owner), cli)
                        .ifPresent(id -> contents.put("active:" + owner + ":" + cli.wireName(), id));
            }
        }
        return contents;
    }

    static Map<String, Object> contents(SessionStore store) {
        return store.read(StoreTestSupport::contents);
    }
}
