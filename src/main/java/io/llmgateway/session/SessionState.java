package io.llmgateway.session;

import io.llmgateway.core.ProviderId;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The whole session state: records by id plus the active session per provider. Mutable only
 * through {@link #apply(SessionChange)}, so every store replays exactly the same rules.
 * Not thread-safe; stores guard it.
 */
public final class SessionState {
    private final Map<String, SessionRecord> records;
    private final EnumMap<ProviderId, String> active;

    public SessionState() {
        this(new HashMap<>(), new EnumMap<>(ProviderId.class));
    }

    private SessionState(Map<String, SessionRecord> records, EnumMap<ProviderId, String> active) {
        this.records = records;
        this.active = active;
    }

    public SessionState copy() {
        return new SessionState(new HashMap<>(records), new EnumMap<>(active));
    }

    public Optional<SessionRecord> get(String id) {
        return Optional.ofNullable(records.get(id));
    }

    public Collection<SessionRecord> records() {
        return Collections.unmodifiableCollection(records.values());
    }

    public int size() {
        return records.size();
    }

    public Optional<String> activeId(ProviderId cli) {
        return Optional.ofNullable(active.get(cli));
    }

    public Map<ProviderId, String> activeIds() {
        return Collections.unmodifiableMap(active);
    }

    public void apply(SessionChange change) {
        if (change instanceof SessionChange.Put put) {
            records.put(put.record().id(), put.record());
        } else if (change instanceof SessionChange.Delete delete) {
            SessionRecord removed = records.remove(delete.id());
            if (removed != null && delete.id().equals(active.get(removed.cli()))) {
                active.remove(removed.cli());
            }
        } else if (change instanceof SessionChange.SetActive set) {
            if (set.sessionId() == null) {
                active.remove(set.cli());
            } else {
                active.put(set.cli(), set.sessionId());
            }
        }
    }
}
