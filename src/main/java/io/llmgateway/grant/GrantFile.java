package io.llmgateway.grant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.core.Json;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * {@code <data dir>/grants.json} (0600): {@code {"format":1,"grants":[{name, tokenSha256, createdAt,
 * expiresAt}]}}. Changes are read-modify-write under a kernel lock on {@code grants.lock} (never deleted)
 * and replace the file atomically and durably, so a running gateway reads the old or the new list, never
 * half of one. Reading is strict: a file the gateway would not have written is an error, never an empty
 * list.
 */
public final class GrantFile {
    public static final String FILE_NAME = "grants.json";
    static final String LOCK_FILE_NAME = "grants.lock";
    private static final int FORMAT = 1;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Path file;
    private final FileMutex mutex;
    private final ObjectMapper mapper = Json.newMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public GrantFile(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
        this.mutex = new FileMutex(dataDir.resolve(LOCK_FILE_NAME));
    }

    public Path path() {
        return file;
    }

    /** Identity and version of the file as it is now: equal stamps mean equal content; null when absent. */
    public Stamp stamp() throws IOException {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Stamp(attributes.fileKey(), attributes.lastModifiedTime().toMillis(), attributes.size());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** What {@link #stamp()} compares: a rename gives a new file key, an edit in place a new time or size. */
    public record Stamp(Object fileKey, long modifiedMillis, long size) {}

    /** The grants; none when the file does not exist. */
    public List<Grant> read() throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return parse(content);
    }

    /** Replaces the list with {@code change(current)}, under the lock; returns the new list. */
    public List<Grant> update(UnaryOperator<List<Grant>> change) throws IOException {
        PrivateFiles.createDirectories(file.getParent());
        return mutex.locked(() -> {
            List<Grant> next = List.copyOf(change.apply(read()));
            PrivateFiles.replaceAtomically(
                    file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(next)));
            return next;
        });
    }

    private ObjectNode toJson(List<Grant> grants) {
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode array = root.putArray("grants");
        for (Grant grant : grants) {
            ObjectNode node = array.addObject();
            node.put("name", grant.name());
            node.put("tokenSha256", grant.tokenSha256());
            node.put("createdAt", grant.createdAt().toString());
            node.put(
                    "expiresAt",
                    grant.expiresAt() == null ? null : grant.expiresAt().toString());
        }
        return root;
    }

    private List<Grant> parse(byte[] content) throws IOException {
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (JsonProcessingException e) {
            throw malformed("it is not valid JSON");
        }
        if (root == null
                || !root.isObject()
                || root.path("format").asInt(-1) != FORMAT
                || !root.path("grants").isArray()) {
            throw malformed("it is not {\"format\":1,\"grants\":[...]}");
        }
        List<Grant> grants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode node : root.get("grants")) {
            String name = text(node, "name");
            String hash = text(node, "tokenSha256");
            if (!GrantNames.isValid(name)
                    || hash == null
                    || !SHA256_HEX.matcher(hash).matches()) {
                throw malformed("grant " + grants.size() + " has no valid name or tokenSha256");
            }
            if (!names.add(name)) {
                throw malformed("the grant name '" + name + "' appears twice");
            }
            try {
                String expires = text(node, "expiresAt");
                grants.add(new Grant(
                        name,
                        hash,
                        Instant.parse(Objects.requireNonNull(text(node, "createdAt"))),
                        expires == null ? null : Instant.parse(expires)));
            } catch (DateTimeParseException | NullPointerException e) {
                throw malformed("grant '" + name + "' has a time that is not ISO-8601 UTC");
            }
        }
        return List.copyOf(grants);
    }

    private IOException malformed(String why) {
        return new IOException(file + " is damaged: " + why + "; fix it, or move it aside and add the grants again");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
