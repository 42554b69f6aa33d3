package io.llmgateway.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.llmgateway.core.Json;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.session.SessionChange;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON the session store keeps on disk. The snapshot ({@code sessions.json}) is pretty-printed
 * for people: {@code format}, {@code generation}, {@code active} (every provider's active id or
 * null, of the grant {@code local}), {@code grantActive} (the same per other grant, only when one has
 * an active session) and {@code sessions} (records, oldest first; a record of a grant other than
 * {@code local} names it in {@code grant}). The journal is JSON Lines: a header
 * {@code {"format":1,"generation":N}}, then one line per committed transaction
 * {@code {"changes":[{"op":"put","session":{...}}, {"op":"delete","id":...},
 * {"op":"setActive","cli":...,"sessionId":...[,"grant":...]}]}} so a transaction is applied whole or not at all.
 * Files written before grants existed have no owners and read as {@code local}'s.
 * Reading is strict: anything the gateway would not have written is rejected with a reason, except the
 * original gateway's {@code sessions.json}, which is imported ({@link OriginalSessionsFile}).
 */
final class SessionFileFormat {
    static final int FORMAT_VERSION = 1;

    private static final Comparator<SessionRecord> OLDEST_FIRST =
            Comparator.comparing(SessionRecord::createdAt).thenComparing(SessionRecord::id);

    private final ObjectMapper mapper;
    /** For whole lines; the snapshot is streamed, and trailing content is checked by hand there. */
    private final ObjectReader lineReader;

    SessionFileFormat() {
        mapper = Json.newMapper()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        lineReader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * A decoded {@code sessions.json}.
     *
     * @param imported null for this gateway's own file; for the original gateway's file, what was imported
     *                 (the generation is then 0)
     */
    record Snapshot(long generation, SessionState state, OriginalSessionsFile.Imported imported) {}

    void writeSnapshot(OutputStream out, long generation, SessionState state) throws IOException {
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("format", FORMAT_VERSION);
            g.writeNumberField("generation", generation);
            g.writeObjectFieldStart("active");
            for (ProviderId cli : ProviderId.values()) {
                g.writeStringField(
                        cli.wireName(), state.activeId(Principal.LOCAL, cli).orElse(null));
            }
            g.writeEndObject();
            List<String> grants = state.activeOwners().stream()
                    .filter(o -> !Principal.LOCAL_NAME.equals(o))
                    .sorted()
                    .toList();
            if (!grants.isEmpty()) {
                g.writeObjectFieldStart("grantActive");
                for (String grant : grants) {
                    g.writeObjectFieldStart(grant);
                    for (ProviderId cli : ProviderId.values()) {
                        String id = state.activeId(new Principal(grant), cli).orElse(null);
                        if (id != null) {
                            g.writeStringField(cli.wireName(), id);
                        }
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeArrayFieldStart("sessions");
            List<SessionRecord> records = new ArrayList<>(state.records());
            records.sort(OLDEST_FIRST);
            for (SessionRecord record : records) {
                writeRecord(g, record);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    Snapshot readSnapshot(byte[] content) throws MalformedStoreFileException {
        if (content.length == 0) {
            throw new MalformedStoreFileException("it is empty");
        }
        try (JsonParser p = mapper.createParser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedStoreFileException("it is not a JSON object");
            }
            Long format = null;
            Long generation = null;
            JsonNode active = null;
            JsonNode grantActive = null;
            SessionState state = null;
            // The original gateway's file: sessions keyed by id, "activeSession", no "format".
            JsonNode originalSessions = null;
            JsonNode originalActive = null;
            boolean kitPointers = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> format = longValue(p, value, "format");
                    case "generation" -> generation = longValue(p, value, "generation");
                    case "active" -> active = p.readValueAsTree();
                    case "grantActive" -> grantActive = p.readValueAsTree();
                    case "sessions" -> {
                        if (value == JsonToken.START_OBJECT) {
                            originalSessions = p.readValueAsTree();
                        } else {
                            state = readSessions(p, value);
                        }
                    }
                    case "activeSession" -> originalActive = p.readValueAsTree();
                    case "activeKitSession" -> {
                        kitPointers = true;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new MalformedStoreFileException("there is content after the JSON object");
            }
            if (OriginalSessionsFile.isOriginalSessions(originalSessions, format != null)) {
                OriginalSessionsFile.Imported imported =
                        OriginalSessionsFile.read(originalSessions, originalActive, kitPointers);
                return new Snapshot(0, imported.state(), imported);
            }
            if (originalSessions != null) {
                throw new MalformedStoreFileException("\"sessions\" is not an array");
            }
            if (format == null || format != FORMAT_VERSION) {
                throw new MalformedStoreFileException("\"format\" is not " + FORMAT_VERSION);
            }
            if (generation == null || generation < 0) {
                throw new MalformedStoreFileException("\"generation\" is missing or negative");
            }
            if (state == null) {
                throw new MalformedStoreFileException("\"sessions\" is missing");
            }
            if (active == null) {
                throw new MalformedStoreFileException("\"active\" is missing");
            }
            applyActive(active, null, state);
            if (grantActive != null) {
                applyGrantActive(grantActive, state);
            }
            return new Snapshot(generation, state, null);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            // Parsing an in-memory array: any IOException (e.g. an invalid character encoding) is about content.
            throw new MalformedStoreFileException("it is not valid JSON text");
        }
    }

    byte[] journalHeader(long generation) {
        return line(g -> {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT_VERSION);
            g.writeNumberField("generation", generation);
            g.writeEndObject();
        });
    }

    /** The generation a journal's header line (without its newline) says the journal continues. */
    long readJournalHeader(byte[] buffer, int offset, int length) throws MalformedStoreFileException {
        return headerGeneration(parseLine(buffer, offset, length));
    }

    private static long headerGeneration(JsonNode header) throws MalformedStoreFileException {
        JsonNode format = header.get("format");
        JsonNode generation = header.get("generation");
        if (format == null || !format.isIntegralNumber() || format.asLong() != FORMAT_VERSION) {
            throw new MalformedStoreFileException("the header's \"format\" is not " + FORMAT_VERSION);
        }
        if (generation == null
                || !generation.isIntegralNumber()
                || !generation.canConvertToLong()
                || generation.asLong() < 0) {
            throw new MalformedStoreFileException("the header has no valid \"generation\"");
        }
        return generation.asLong();
    }

    byte[] journalEntry(List<SessionChange> changes) {
        return line(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("changes");
            for (SessionChange change : changes) {
                writeChange(g, change);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The changes of one committed transaction, from its journal line (without the newline). */
    List<SessionChange> readJournalEntry(byte[] buffer, int offset, int length) throws MalformedStoreFileException {
        return entryChanges(parseLine(buffer, offset, length));
    }

    /** What a damaged journal still holds: its readable transactions in order, and how many lines were not. */
    record Recovered(List<List<SessionChange>> transactions, int unreadableLines) {}

    /**
     * Every transaction still readable in a damaged journal from {@code from} on. Each line is read as a
     * sequence of JSON values, so lines run together by lost newlines are read too; a line with something
     * unreadable counts as unreadable from there (its earlier values are kept). Entries after a header
     * older than {@code snapshotGeneration} are in the snapshot already and are skipped.
     */
    Recovered recoverJournal(byte[] content, int from, long snapshotGeneration) {
        List<List<SessionChange>> transactions = new ArrayList<>();
        int unreadable = 0;
        boolean current = true;
        for (int start = from; start < content.length; ) {
            int end = start;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            try (JsonParser p = mapper.createParser(content, start, end - start)) {
                for (JsonToken token = p.nextToken(); token != null; token = p.nextToken()) {
                    if (token != JsonToken.START_OBJECT) {
                        throw new MalformedStoreFileException("not a JSON object");
                    }
                    JsonNode value = p.readValueAsTree();
                    if (value.has("changes")) {
                        List<SessionChange> changes = entryChanges(value);
                        if (current) {
                            transactions.add(changes);
                        }
                    } else {
                        current = headerGeneration(value) >= snapshotGeneration;
                    }
                }
            } catch (IOException | MalformedStoreFileException e) {
                unreadable++;
            }
            start = end + 1;
        }
        return new Recovered(transactions, unreadable);
    }

    private static List<SessionChange> entryChanges(JsonNode entry) throws MalformedStoreFileException {
        JsonNode changes = entry.get("changes");
        if (changes == null || !changes.isArray()) {
            throw new MalformedStoreFileException("the entry has no \"changes\" array");
        }
        List<SessionChange> decoded = new ArrayList<>(changes.size());
        for (JsonNode change : changes) {
            decoded.add(readChange(change));
        }
        return decoded;
    }

    private JsonNode parseLine(byte[] buffer, int offset, int length) throws MalformedStoreFileException {
        JsonNode node;
        try {
            node = lineReader.readTree(buffer, offset, length);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new MalformedStoreFileException(
                    "it is not valid JSON" + (where == null ? "" : " at column " + where.getColumnNr()));
        } catch (IOException e) {
            throw new MalformedStoreFileException("it is not valid JSON text");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedStoreFileException("the line is not a JSON object");
        }
        return node;
    }

    private interface GeneratorBody {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] line(GeneratorBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeChange(JsonGenerator g, SessionChange change) throws IOException {
        g.writeStartObject();
        if (change instanceof SessionChange.Put put) {
            g.writeStringField("op", "put");
            g.writeFieldName("session");
            writeRecord(g, put.record());
        } else if (change instanceof SessionChange.Delete delete) {
            g.writeStringField("op", "delete");
            g.writeStringField("id", delete.id());
        } else if (change instanceof SessionChange.SetActive set) {
            g.writeStringField("op", "setActive");
            g.writeStringField("cli", set.cli().wireName());
            g.writeStringField("sessionId", set.sessionId());
            if (set.owner() != null) {
                g.writeStringField("grant", set.owner());
            }
        }
        g.writeEndObject();
    }

    private static SessionChange readChange(JsonNode change) throws MalformedStoreFileException {
        String op = change.isObject() ? textOrNull(change.get("op")) : null;
        if (op == null) {
            throw new MalformedStoreFileException("a change has no \"op\"");
        }
        return switch (op) {
            case "put" -> new SessionChange.Put(readRecord(change.get("session"), "a put change's session"));
            case "delete" -> new SessionChange.Delete(requiredText(change, "id", "a delete change"));
            case "setActive" ->
                new SessionChange.SetActive(
                        provider(requiredText(change, "cli", "a setActive change"), "a setActive change"),
                        nullableText(change, "sessionId", "a setActive change"),
                        owner(change, "a setActive change"));
            default -> throw new MalformedStoreFileException("a change has the unknown op \"" + op + "\"");
        };
    }

    private static void writeRecord(JsonGenerator g, SessionRecord record) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", record.id());
        g.writeStringField("cli", record.cli().wireName());
        g.writeStringField("description", record.description());
        g.writeStringField("createdAt", record.createdAt().toString());
        g.writeStringField("lastUsedAt", record.lastUsedAt().toString());
        g.writeStringField("nativeSessionId", record.nativeSessionId());
        g.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> entry : new TreeMap<>(record.metadata()).entrySet()) {
            g.writeStringField(entry.getKey(), entry.getValue());
        }
        g.writeEndObject();
        if (record.owner() != null) {
            g.writeStringField("grant", record.owner());
        }
        g.writeEndObject();
    }

    private SessionState readSessions(JsonParser p, JsonToken start) throws IOException, MalformedStoreFileException {
        if (start != JsonToken.START_ARRAY) {
            throw new MalformedStoreFileException("\"sessions\" is not an array");
        }
        SessionState state = new SessionState();
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            SessionRecord record = readRecord(p.readValueAsTree(), "session " + index);
            if (state.get(record.id()).isPresent()) {
                throw new MalformedStoreFileException("session " + index + " repeats an earlier id");
            }
            state.apply(new SessionChange.Put(record));
            index++;
        }
        return state;
    }

    private static void applyActive(JsonNode active, String owner, SessionState state)
            throws MalformedStoreFileException {
        if (!active.isObject()) {
            throw new MalformedStoreFileException("\"active\" is not an object");
        }
        for (Map.Entry<String, JsonNode> entry : active.properties()) {
            ProviderId cli = provider(entry.getKey(), "\"active\"");
            String id = nullableText(active, entry.getKey(), "\"active\"");
            if (id != null) {
                state.apply(new SessionChange.SetActive(cli, id, owner));
            }
        }
    }

    private static void applyGrantActive(JsonNode grantActive, SessionState state) throws MalformedStoreFileException {
        if (!grantActive.isObject()) {
            throw new MalformedStoreFileException("\"grantActive\" is not an object");
        }
        for (Map.Entry<String, JsonNode> entry : grantActive.properties()) {
            if (!Principal.isValidName(entry.getKey()) || Principal.LOCAL_NAME.equals(entry.getKey())) {
                throw new MalformedStoreFileException(
                        "\"grantActive\" names the invalid grant \"" + entry.getKey() + "\"");
            }
            applyActive(entry.getValue(), entry.getKey(), state);
        }
    }

    /** The optional {@code grant} field naming the owner: absent is {@code local}; present, another grant. */
    private static String owner(JsonNode node, String where) throws MalformedStoreFileException {
        JsonNode value = node.get("grant");
        if (value == null) {
            return null;
        }
        if (!value.isTextual()
                || !Principal.isValidName(value.textValue())
                || Principal.LOCAL_NAME.equals(value.textValue())) {
            throw new MalformedStoreFileException(where + " has a \"grant\" that is not a grant name");
        }
        return value.textValue();
    }

    private static SessionRecord readRecord(JsonNode node, String where) throws MalformedStoreFileException {
        if (node == null || !node.isObject()) {
            throw new MalformedStoreFileException(where + " is not an object");
        }
        String id = requiredText(node, "id", where);
        if (id.isEmpty()) {
            throw new MalformedStoreFileException(where + " has an empty \"id\"");
        }
        return new SessionRecord(
                id,
                provider(requiredText(node, "cli", where), where),
                requiredText(node, "description", where),
                instant(node, "createdAt", where),
                instant(node, "lastUsedAt", where),
                nullableText(node, "nativeSessionId", where),
                stringMap(node, "metadata", where),
                owner(node, where));
    }

    private static ProviderId provider(String wireName, String where) throws MalformedStoreFileException {
        return ProviderId.fromWireName(wireName)
                .orElseThrow(() ->
                        new MalformedStoreFileException(where + " names the unknown provider \"" + wireName + "\""));
    }

    private static Instant instant(JsonNode node, String field, String where) throws MalformedStoreFileException {
        String text = requiredText(node, field, where);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedStoreFileException(where + " has a \"" + field + "\" that is not an ISO-8601 UTC time");
        }
    }

    private static Map<String, String> stringMap(JsonNode node, String field, String where)
            throws MalformedStoreFileException {
        JsonNode map = node.get(field);
        if (map == null || !map.isObject()) {
            throw new MalformedStoreFileException(where + " has no \"" + field + "\" object");
        }
        Map<String, String> values = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new MalformedStoreFileException(where + " has a non-string \"" + field + "\" value");
            }
            values.put(entry.getKey(), entry.getValue().textValue());
        }
        return values;
    }

    private static String requiredText(JsonNode node, String field, String where) throws MalformedStoreFileException {
        String text = textOrNull(node.get(field));
        if (text == null) {
            throw new MalformedStoreFileException(where + " has no string \"" + field + "\"");
        }
        return text;
    }

    /** A field that must be present and hold a string or null. */
    private static String nullableText(JsonNode node, String field, String where) throws MalformedStoreFileException {
        JsonNode value = node.get(field);
        if (value == null || !(value.isNull() || value.isTextual())) {
            throw new MalformedStoreFileException(where + " has no \"" + field + "\" (a string or null)");
        }
        return value.textValue();
    }

    private static String textOrNull(JsonNode value) {
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static long longValue(JsonParser p, JsonToken token, String field)
            throws IOException, MalformedStoreFileException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedStoreFileException("\"" + field + "\" is not an integer");
        }
        return p.getLongValue();
    }

    private static MalformedStoreFileException notJson(JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        String position = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
        return new MalformedStoreFileException("it is not valid JSON" + position);
    }
}
