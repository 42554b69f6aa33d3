package io.llmgateway.session;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The rules of gateway sessions: gw-* ids, at most one active session per provider, expiry after a TTL
 * without use, and deleting or expiring the active session clears the pointer (nothing is promoted).
 * Every record belongs to the grant that created it, and every active pointer to one grant: a caller sees
 * only its own, and another grant's session is "not found" (the same error as one that does not exist).
 * Knows nothing about MCP; every method is one atomic store operation.
 */
public final class SessionService {
    public static final String ID_PREFIX = "gw-";
    public static final int MAX_DESCRIPTION_CHARS = 1000;
    public static final int MAX_ID_CHARS = 128;
    private static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_ID_CHARS + "}");
    private static final Comparator<SessionRecord> NEWEST_USED_FIRST =
            Comparator.comparing(SessionRecord::lastUsedAt).reversed().thenComparing(SessionRecord::id);

    private final SessionStore store;
    private final Clock clock;
    private final Duration ttl;

    public SessionService(SessionStore store, Clock clock, Duration ttl) {
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** A record together with whether it is its provider's active session. */
    public record SessionView(SessionRecord record, boolean active) {}

    public record SessionPage(
            int total, List<SessionView> sessions, Map<ProviderId, String> activeSessions, List<String> warnings) {}

    public record ActiveChange(ProviderId cli, String activeSessionId, String previousActiveSessionId) {}

    public record Deletion(SessionRecord deleted, boolean wasActive) {}

    /** A provider request recorded on a session: the record before it (null when the run created it) and after. */
    public record RecordedRun(SessionRecord before, SessionRecord after) {}

    public SessionView create(Principal owner, ProviderId cli, String description, boolean setAsActive) {
        String text = description == null ? defaultDescription(cli) : checkDescription(description);
        Instant now = now();
        SessionRecord record = new SessionRecord(newId(), cli, text, now, now, null, Map.of(), owner.storedOwner());
        return store.update(state -> {
            List<SessionChange> changes = new ArrayList<>();
            changes.add(new SessionChange.Put(record));
            if (setAsActive) {
                changes.add(new SessionChange.SetActive(cli, record.id(), owner.storedOwner()));
            }
            return new SessionStore.Transaction<>(changes, new SessionView(record, setAsActive));
        });
    }

    public SessionPage list(Principal owner, Optional<ProviderId> cli, int limit, int offset) {
        Instant now = now();
        return store.read(state -> {
            PriorityQueue<SessionRecord> newest = new PriorityQueue<>(NEWEST_USED_FIRST.reversed());
            int total = 0;
            int keep = offset + limit;
            for (SessionRecord r : state.records()) {
                if (!owner.owns(r.owner()) || (cli.isPresent() && r.cli() != cli.get()) || isExpired(r, now)) {
                    continue;
                }
                total++;
                if (keep > 0) {
                    newest.add(r);
                    if (newest.size() > keep) {
                        newest.poll();
                    }
                }
            }
            List<SessionRecord> sorted = new ArrayList<>(newest);
            sorted.sort(NEWEST_USED_FIRST);
            Map<ProviderId, String> active = activeMap(state, owner, now);
            List<SessionView> page = sorted.subList(Math.min(offset, sorted.size()), sorted.size()).stream()
                    .map(r -> new SessionView(r, r.id().equals(active.get(r.cli()))))
                    .toList();
            return new SessionPage(total, page, active, store.warnings());
        });
    }

    public SessionView get(Principal owner, String id) {
        checkId(id);
        Instant now = now();
        return store.read(state -> {
            SessionRecord r = live(state, owner, id, now);
            return new SessionView(r, id.equals(state.activeId(owner, r.cli()).orElse(null)));
        });
    }

    /** The owner's live session with this id, if there is one. */
    public Optional<SessionRecord> find(Principal owner, String id) {
        checkId(id);
        Instant now = now();
        return store.read(state -> state.get(id).filter(r -> owner.owns(r.owner()) && !isExpired(r, now)));
    }

    /** The owner's active session of the provider, if it is set and not expired. */
    public Optional<SessionRecord> active(Principal owner, ProviderId cli) {
        Instant now = now();
        return store.read(state -> activeRecord(state, owner, cli, now));
    }

    /**
     * The owner's live session of {@code cli} mapping to the provider-native id, the most recently used if
     * several do.
     */
    public Optional<SessionRecord> findByNativeId(Principal owner, ProviderId cli, String nativeSessionId) {
        Instant now = now();
        return store.read(state -> newestMapping(state, owner, cli, nativeSessionId, now));
    }

    /**
     * Records a request that ran under session {@code id}: the native session id it continued or started
     * (null keeps the known one), lastUsedAt, and {@code metadata} merged into the record's (a null value
     * removes the key). Empty when the session was deleted or expired while the request ran (or is not the
     * owner's).
     */
    public Optional<RecordedRun> recordRun(
            Principal owner, String id, String nativeSessionId, Map<String, String> metadata) {
        checkId(id);
        if (nativeSessionId != null) {
            checkNativeId(nativeSessionId);
        }
        Instant now = now();
        return store.update(state -> {
            Optional<SessionRecord> before = state.get(id).filter(r -> owner.owns(r.owner()) && !isExpired(r, now));
            if (before.isEmpty()) {
                return SessionStore.Transaction.of(Optional.<RecordedRun>empty());
            }
            SessionRecord after = ranAt(before.get(), nativeSessionId, metadata, now);
            return SessionStore.Transaction.of(
                    Optional.of(new RecordedRun(before.get(), after)), new SessionChange.Put(after));
        });
    }

    /**
     * Records a request that ran outside a known gateway session: on the owner's live session of {@code cli}
     * mapping to {@code nativeSessionId} if there is one, else on a new record of the owner that is not made
     * active. A null native id (the CLI reported none) always makes a new record.
     */
    public RecordedRun recordRunForNativeId(
            Principal owner, ProviderId cli, String nativeSessionId, Map<String, String> metadata) {
        if (nativeSessionId != null) {
            checkNativeId(nativeSessionId);
        }
        Instant now = now();
        return store.update(state -> {
            SessionRecord before = nativeSessionId == null
                    ? null
                    : newestMapping(state, owner, cli, nativeSessionId, now).orElse(null);
            SessionRecord base = before != null
                    ? before
                    : new SessionRecord(
                            newId(), cli, defaultDescription(cli), now, now, null, Map.of(), owner.storedOwner());
            SessionRecord after = ranAt(base, nativeSessionId, metadata, now);
            return SessionStore.Transaction.of(new RecordedRun(before, after), new SessionChange.Put(after));
        });
    }

    /**
     * The owner's session {@code id} of {@code cli} with {@code metadata} merged into its record (a null value
     * removes the key), created (not active) under exactly that id when it does not exist: for a run that must name
     * its session before it starts (e.g. its worktree is named by it). Another owner's record under that id is "not
     * found".
     */
    public SessionRecord ensure(Principal owner, ProviderId cli, String id, Map<String, String> metadata) {
        checkId(id);
        Instant now = now();
        return store.update(state -> {
            Optional<SessionRecord> existing = state.get(id).filter(r -> !isExpired(r, now));
            if (existing.isPresent() && !owner.owns(existing.get().owner())) {
                throw notFound(id);
            }
            if (existing.isPresent() && existing.get().cli() != cli) {
                throw new GatewayException(
                        ErrorCode.PROVIDER_MISMATCH,
                        "Session " + id + " belongs to provider '"
                                + existing.get().cli().wireName() + "', not '" + cli.wireName() + "'.");
            }
            SessionRecord base = existing.orElseGet(() ->
                    new SessionRecord(id, cli, defaultDescription(cli), now, now, null, Map.of(), owner.storedOwner()));
            SessionRecord after = ranAt(base, null, metadata, now);
            return SessionStore.Transaction.of(after, new SessionChange.Put(after));
        });
    }

    public ActiveChange setActive(Principal owner, ProviderId cli, String id) {
        if (id != null) {
            checkId(id);
        }
        Instant now = now();
        return store.update(state -> {
            String previous =
                    activeRecord(state, owner, cli, now).map(SessionRecord::id).orElse(null);
            if (id != null) {
                SessionRecord r = live(state, owner, id, now);
                if (r.cli() != cli) {
                    throw new GatewayException(
                            ErrorCode.PROVIDER_MISMATCH,
                            "Session " + id + " belongs to provider '" + r.cli().wireName() + "', not '"
                                    + cli.wireName() + "'; pass cli '" + r.cli().wireName() + "'.");
                }
            }
            return SessionStore.Transaction.of(
                    new ActiveChange(cli, id, previous), new SessionChange.SetActive(cli, id, owner.storedOwner()));
        });
    }

    public Deletion delete(Principal owner, String id) {
        checkId(id);
        Instant now = now();
        return store.update(state -> {
            SessionRecord r = live(state, owner, id, now);
            boolean wasActive = id.equals(state.activeId(owner, r.cli()).orElse(null));
            return SessionStore.Transaction.of(new Deletion(r, wasActive), new SessionChange.Delete(id));
        });
    }

    /**
     * @param liveCount how many of the deleted records had not expired
     * @param deleted   every record deleted, expired ones included
     */
    public record Cleared(int liveCount, List<SessionRecord> deleted) {}

    /** Deletes the owner's sessions (of one provider, or all) and clears the owner's active pointers. */
    public Cleared clearAll(Principal owner, Optional<ProviderId> cli) {
        Instant now = now();
        return store.update(state -> {
            List<SessionChange> changes = new ArrayList<>();
            List<SessionRecord> deleted = new ArrayList<>();
            int live = 0;
            for (SessionRecord r : state.records()) {
                if (owner.owns(r.owner()) && (cli.isEmpty() || r.cli() == cli.get())) {
                    changes.add(new SessionChange.Delete(r.id()));
                    deleted.add(r);
                    if (!isExpired(r, now)) {
                        live++;
                    }
                }
            }
            for (ProviderId p : ProviderId.values()) {
                if ((cli.isEmpty() || p == cli.get())
                        && state.activeId(owner, p).isPresent()) {
                    changes.add(new SessionChange.SetActive(p, null, owner.storedOwner()));
                }
            }
            return new SessionStore.Transaction<>(changes, new Cleared(live, List.copyOf(deleted)));
        });
    }

    /** Physically removes expired records (they are already invisible); returns how many. */
    public int purgeExpired() {
        Instant now = now();
        return store.update(state -> {
            List<SessionChange> changes = state.records().stream()
                    .filter(r -> isExpired(r, now))
                    .map(r -> (SessionChange) new SessionChange.Delete(r.id()))
                    .toList();
            return new SessionStore.Transaction<>(changes, changes.size());
        });
    }

    public List<String> warnings() {
        return store.warnings();
    }

    boolean isExpired(SessionRecord r, Instant now) {
        return r.lastUsedAt().plus(ttl).isBefore(now);
    }

    /** The owner's record: another owner's is reported exactly like one that does not exist. */
    private SessionRecord live(SessionState state, Principal owner, String id, Instant now) {
        SessionRecord r =
                state.get(id).filter(found -> owner.owns(found.owner())).orElseThrow(() -> notFound(id));
        if (isExpired(r, now)) {
            throw new GatewayException(
                    ErrorCode.SESSION_NOT_FOUND,
                    "Session " + id + " expired after " + ttl.toDays()
                            + " days without use (LLM_GATEWAY_SESSION_TTL_DAYS); create a new one.");
        }
        return r;
    }

    private static GatewayException notFound(String id) {
        return new GatewayException(
                ErrorCode.SESSION_NOT_FOUND,
                "No gateway session with id " + id + "; use session_list to see existing sessions.");
    }

    private Optional<SessionRecord> newestMapping(
            SessionState state, Principal owner, ProviderId cli, String nativeSessionId, Instant now) {
        return state.records().stream()
                .filter(r -> r.cli() == cli
                        && nativeSessionId.equals(r.nativeSessionId())
                        && owner.owns(r.owner())
                        && !isExpired(r, now))
                .min(NEWEST_USED_FIRST);
    }

    private Optional<SessionRecord> activeRecord(SessionState state, Principal owner, ProviderId cli, Instant now) {
        return state.activeId(owner, cli).flatMap(state::get).filter(r -> owner.owns(r.owner()) && !isExpired(r, now));
    }

    private static SessionRecord ranAt(
            SessionRecord record, String nativeSessionId, Map<String, String> metadata, Instant now) {
        Map<String, String> merged = new HashMap<>(record.metadata());
        metadata.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else {
                merged.put(key, value);
            }
        });
        return record.withLastUsedAt(now)
                .withNativeSessionId(nativeSessionId != null ? nativeSessionId : record.nativeSessionId())
                .withMetadata(merged);
    }

    private static String defaultDescription(ProviderId cli) {
        return cli.displayName() + " session";
    }

    private Map<ProviderId, String> activeMap(SessionState state, Principal owner, Instant now) {
        Map<ProviderId, String> active = new EnumMap<>(ProviderId.class);
        for (ProviderId p : ProviderId.values()) {
            active.put(
                    p, activeRecord(state, owner, p, now).map(SessionRecord::id).orElse(null));
        }
        return active;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A new gw-* session id. */
    public static String newId() {
        return ID_PREFIX + UUID.randomUUID();
    }

    /** The rule for a provider's own session id, in words. */
    public static final String NATIVE_ID_RULE = "a native session id is 1-" + MAX_ID_CHARS
            + " characters of letters, digits and . _ : - and does not start with '-'";

    /**
     * Whether a provider-native session id may be stored and passed to its CLI: a caller's id and one a
     * CLI reported obey the same rule, so that neither can be read as an option when resumed.
     */
    public static boolean isValidNativeId(String id) {
        return id != null && ID_PATTERN.matcher(id).matches() && !id.startsWith("-");
    }

    public static void checkNativeId(String id) {
        if (!isValidNativeId(id)) {
            throw GatewayException.invalidArgument("Invalid session id: " + NATIVE_ID_RULE + "; got "
                    + (id == null
                            ? "null"
                            : id.length() > 40 ? "an invalid " + id.length() + "-character value" : "'" + id + "'")
                    + ".");
        }
    }

    /**
     * Whether {@code id} is a session id the tools accept: a gw-* id this gateway made, or a bare id (a UUID) a
     * session imported from the original gateway's sessions.json keeps.
     */
    public static boolean isValidId(String id) {
        return id != null && ID_PATTERN.matcher(id).matches();
    }

    /** Caller-supplied ids: at most 128 characters of [A-Za-z0-9._:-]. */
    public static void checkId(String id) {
        if (!isValidId(id)) {
            throw GatewayException.invalidArgument("Session ids are 1-" + MAX_ID_CHARS
                    + " characters of letters, digits and . _ : - (e.g. gw-5f0c...); got "
                    + (id == null
                            ? "null"
                            : id.length() > 40 ? "an invalid " + id.length() + "-character value" : "'" + id + "'"));
        }
    }

    /** A caller's session description: at most 1,000 characters, no NUL. */
    public static String checkDescription(String description) {
        if (description.length() > MAX_DESCRIPTION_CHARS) {
            throw GatewayException.invalidArgument("description must be at most " + MAX_DESCRIPTION_CHARS
                    + " characters, got " + description.length());
        }
        if (description.indexOf('\0') >= 0) {
            throw GatewayException.invalidArgument("description must not contain NUL characters");
        }
        return description;
    }
}
