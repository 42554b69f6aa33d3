package io.llmgateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionService;
import io.llmgateway.session.SessionState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code sessions.json} of the original TypeScript gateway, read into this gateway's state. 2.11.1 writes
 * {@code {"sessions":{"<id>":{id, cli, createdAt, lastUsedAt, description, metadata?, ownerPrincipal}},
 * "activeSession":{"<cli>":"<id>"|null}}}; 3.x adds {@code generation} to each record and
 * {@code activeKitSession}. Each record keeps its id, provider, description, timestamps and owner, and its
 * metadata (keys as they are, string values as they are, any other value as its compact JSON text, so the
 * native ids the original kept there, {@code acp.sessionId}, {@code xaiPreviousResponseId}, ..., stay). The
 * original never recorded which conversation of its CLI a session holds (a session_create id is the gateway's
 * own; a request under the active session ran the CLI's {@code --continue}), so no native session id is
 * assumed: the first request on an imported session starts a conversation and records its id. A record
 * this gateway cannot hold (a provider it does not drive, an id or time it cannot read) is left out with a
 * note: it stays in the copy of the file kept beside it.
 */
final class OriginalSessionsFile {
    private OriginalSessionsFile() {}

    /**
     * What was read.
     *
     * @param version  {@code 2.11.1} or {@code 3.x}, from the fields the file has
     * @param sessions records imported
     * @param pointers active pointers imported
     * @param skipped  one sentence per record or pointer left out, saying why
     */
    record Imported(SessionState state, String version, int sessions, int pointers, List<String> skipped) {}

    /** Whether a top-level {@code sessions} of this kind is the original's (an object keyed by id; ours is an array). */
    static boolean isOriginalSessions(JsonNode sessions, boolean hasFormat) {
        return !hasFormat && sessions != null && sessions.isObject();
    }

    static Imported read(JsonNode sessions, JsonNode activeSession, boolean hasKitPointers)
            throws MalformedStoreFileException {
        if (activeSession != null && !activeSession.isObject() && !activeSession.isNull()) {
            throw new MalformedStoreFileException("\"activeSession\" is not an object");
        }
        SessionState state = new SessionState();
        List<String> skipped = new ArrayList<>();
        boolean generations = hasKitPointers;
        int imported = 0;
        for (Map.Entry<String, JsonNode> entry : sessions.properties()) {
            JsonNode node = entry.getValue();
            generations |= node.has("generation");
            String problem = problem(entry.getKey(), node);
            if (problem != null) {
                skipped.add("session " + quoted(entry.getKey()) + " was not imported: " + problem);
                continue;
            }
            state.apply(new SessionChange.Put(record(node)));
            imported++;
        }
        int pointers = 0;
        if (activeSession != null && activeSession.isObject()) {
            for (Map.Entry<String, JsonNode> entry : activeSession.properties()) {
                JsonNode id = entry.getValue();
                if (id == null || id.isNull()) {
                    continue;
                }
                SessionRecord target =
                        id.isTextual() ? state.get(id.textValue()).orElse(null) : null;
                if (target == null || !target.cli().wireName().equals(entry.getKey())) {
                    skipped.add("the active " + entry.getKey() + " session " + quoted(id.asText())
                            + " was not imported: no imported " + entry.getKey() + " session has that id");
                    continue;
                }
                state.apply(new SessionChange.SetActive(target.cli(), target.id(), target.owner()));
                pointers++;
            }
        }
        return new Imported(state, generations ? "3.x" : "2.11.1", imported, pointers, List.copyOf(skipped));
    }

    /** Why the record cannot be imported, or null when it can. */
    private static String problem(String key, JsonNode node) {
        if (!node.isObject()) {
            return "it is not an object";
        }
        String id = text(node, "id");
        if (!key.equals(id)) {
            return "its \"id\" is not its key";
        }
        if (!SessionService.isValidId(id)) {
            return "its id is not 1-" + SessionService.MAX_ID_CHARS + " letters, digits and . _ : -";
        }
        String cli = text(node, "cli");
        if (cli == null || ProviderId.fromWireName(cli).isEmpty()) {
            return "its provider " + quoted(cli) + " is not one this gateway drives (" + ProviderId.wireNames() + ")";
        }
        for (String field : List.of("createdAt", "lastUsedAt")) {
            if (instant(node, field) == null) {
                return "its \"" + field + "\" is not an ISO-8601 time (the original treats it as expired)";
            }
        }
        JsonNode description = node.get("description");
        if (description != null && !description.isTextual() && !description.isNull()) {
            return "its \"description\" is not a string";
        }
        JsonNode metadata = node.get("metadata");
        if (metadata != null && !metadata.isObject() && !metadata.isNull()) {
            return "its \"metadata\" is not an object";
        }
        JsonNode owner = node.get("ownerPrincipal");
        if (owner != null && !owner.isNull() && !(owner.isTextual() && Principal.isValidName(owner.textValue()))) {
            return "its \"ownerPrincipal\" is not a principal name this gateway can hold";
        }
        return null;
    }

    private static SessionRecord record(JsonNode node) {
        String id = text(node, "id");
        ProviderId cli = ProviderId.fromWireName(text(node, "cli")).orElseThrow();
        String description = text(node, "description");
        Map<String, String> metadata = new TreeMap<>();
        JsonNode original = node.get("metadata");
        if (original != null && original.isObject()) {
            for (Map.Entry<String, JsonNode> entry : original.properties()) {
                JsonNode value = entry.getValue();
                metadata.put(entry.getKey(), value.isTextual() ? value.textValue() : value.toString());
            }
        }
        String owner = text(node, "ownerPrincipal");
        return new SessionRecord(
                id,
                cli,
                description != null ? description : "",
                instant(node, "createdAt"),
                instant(node, "lastUsedAt"),
                null,
                metadata,
                owner == null || Principal.LOCAL_NAME.equals(owner) ? null : owner);
    }

    private static Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static String quoted(String value) {
        if (value == null) {
            return "(none)";
        }
        return "\"" + (value.length() > 60 ? value.substring(0, 60) + "…" : value) + "\"";
    }
}
