package io.llmgateway.session;

import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The whole session state: records by id plus, for every owner (grant), the active session per provider.
 * Mutable only
 * through {@link #apply(SessionChange)}, so every store replays exactly the same rules.
 * Not thread-safe; stores guard it.
 */
public final class SessionState {
    private final Map<String, SessionRecord> records;
    /** By owner name ({@code local} for records without an owner). */
    private final Map<String, EnumMap<ProviderId, String>> active;

    public SessionState() {
        this(new HashMap<>(), new HashMap<>());
    }

    private SessionState(Map<String, SessionRecord> records, Map<String, EnumMap<ProviderId, String>> active) {
        this.records = records;
        this.active = active;
    }

    public SessionState copy() {
        Map<String, EnumMap<ProviderId, String>> activeCopy = new HashMap<>();
        active.forEach((owner, ids) -> activeCopy.put(owner, new EnumMap<>(ids)));
        return new SessionState(new HashMap<>(records), activeCopy);
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

    /** The id {@code owner}'s active session of {@code cli} points at, if set. */
    public Optional<String> activeId(Principal owner, ProviderId cli) {
        EnumMap<ProviderId, String> ids = active.get(owner.name());
        return Optional.ofNullable(ids == null ? null : ids.get(cli));
    }

    /** Owners that have an active session pointer, by name. */
    public Collection<String> activeOwners() {
        return Collections.unmodifiableCollection(active.keySet());
    }

    public void apply(SessionChange change) {
        if (change instanceof SessionChange.Put put) {
            records.put(put.record().id(), put.record());
        } else if (change instanceof SessionChange.Delete delete) {
            SessionRecord removed = records.remove(delete.id());
            if (removed != null) {
                Principal owner = Principal.ofStoredOwner(removed.owner());
                if (delete.id().equals(activeId(owner, removed.cli()).orElse(null))) {
                    clearActive(owner.name(), removed.cli());
                }
            }
        } else if (change instanceof SessionChange.SetActive set) {
            String owner = Principal.ofStoredOwner(set.owner()).name();
            if (set.sessionId() == null) {
                clearActive(owner, set.cli());
            } else {
                active.computeIfAbsent(owner, o -> new EnumMap<>(ProviderId.class))
                        .put(set.cli(), set.sessionId());
            }
        }
    }

    private void clearActive(String owner, ProviderId cli) {
        EnumMap<ProviderId, String> ids = active.get(owner);
        if (ids != null) {
            ids.remove(cli);
            if (ids.isEmpty()) {
                active.remove(owner);
            }
        }
    }
}
