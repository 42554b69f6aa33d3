package io.llmgateway.policy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmgateway.core.Json;
import io.llmgateway.core.Principal;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.LinkedPathException;
import io.llmgateway.files.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per tool call appended to {@code <dataDir>/audit.jsonl} (0600).
 * A line holds the argument keys and a SHA-256 of the canonical JSON of the arguments (keys sorted,
 * no whitespace), never the values themselves.
 *
 * <p>Several processes append safely: each line is one {@code write} on an {@code O_APPEND}
 * descriptor, which the kernel places atomically at the end of the file. The file is opened per
 * line, so after a rotation every process writes to the new file. When it reaches {@code maxBytes}
 * it is rotated under a {@link FileMutex} to {@code audit.jsonl.1} .. {@code .<keep>}.
 *
 * <p>No fsync per line: that would add milliseconds to every call. Once {@code write} returns the
 * line survives a crash of the process; only a power loss or kernel crash can drop the latest lines.
 */
public final class AuditLog implements AutoCloseable {
    public static final String FILE_NAME = "audit.jsonl";
    public static final String LOCK_FILE_NAME = "audit.lock";
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_KEEP = 5;
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final HexFormat HEX = HexFormat.of();

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private final FileMutex rotationLock;
    private final ObjectMapper canonicalJson = Json.newMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private final long pid = ProcessHandle.current().pid();
    private final MessageDigest sha256Prototype = sha256Instance();
    private final AtomicBoolean failing = new AtomicBoolean();

    /**
     * @param maxBytes size at which {@code audit.jsonl} is rotated
     * @param keep     rotated files kept ({@code audit.jsonl.1} is the newest)
     */
    public AuditLog(Path dataDir, long maxBytes, int keep) {
        if (maxBytes < 1 || keep < 1) {
            throw new IllegalArgumentException("maxBytes and keep must be positive");
        }
        this.file = dataDir.resolve(FILE_NAME);
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.rotationLock = new FileMutex(dataDir.resolve(LOCK_FILE_NAME));
    }

    /**
     * Appends one line. Failing to write is logged (once until writing works again) and does not
     * fail the call being audited.
     *
     * @param time       when the call started
     * @param resource   the MCP resource read, when the call is a resource read standing for {@code tool}; else null
     * @param caller     the grant that made the call
     * @param errorCode  the result's errorCode, or null
     * @param rule       the policy rule that denied the call, or null
     */
    public void record(
            Instant time,
            String tool,
            String resource,
            Principal caller,
            Map<String, ?> arguments,
            AuditOutcome outcome,
            String errorCode,
            String rule,
            long durationMs) {
        try {
            append(line(
                    time,
                    tool,
                    resource,
                    caller,
                    arguments == null ? Map.of() : arguments,
                    outcome,
                    errorCode,
                    rule,
                    durationMs));
            if (failing.compareAndSet(true, false)) {
                LOG.info("audit log {} is writable again", file);
            }
        } catch (IOException e) {
            if (failing.compareAndSet(false, true)) {
                LOG.warn(
                        "cannot append to audit log {} ({}); calls continue unaudited until it works again",
                        file,
                        e instanceof LinkedPathException
                                ? e.getMessage()
                                : e.getClass().getSimpleName());
            }
        }
    }

    private byte[] line(
            Instant time,
            String tool,
            String resource,
            Principal caller,
            Map<String, ?> arguments,
            AuditOutcome outcome,
            String errorCode,
            String rule,
            long durationMs)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = canonicalJson.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("time", time.toString());
            out.writeStringField("tool", tool);
            if (resource != null) {
                out.writeStringField("resource", resource);
            }
            out.writeStringField("grant", caller.name());
            out.writeArrayFieldStart("argKeys");
            for (String key : new TreeSet<>(arguments.keySet())) {
                out.writeString(key);
            }
            out.writeEndArray();
            out.writeStringField("argsSha256", sha256(arguments));
            out.writeStringField("outcome", outcome.wireName());
            if (errorCode != null) {
                out.writeStringField("errorCode", errorCode);
            }
            if (rule != null) {
                out.writeStringField("rule", rule);
            }
            out.writeNumberField("durationMs", durationMs);
            out.writeNumberField("pid", pid);
            out.writeEndObject();
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    /** SHA-256 (hex) of the arguments' canonical JSON: the same arguments always give the same hash. */
    private String sha256(Map<String, ?> arguments) throws IOException {
        MessageDigest sha256 = newSha256();
        // Streamed into the digest: a megabyte prompt is never copied into a byte array.
        canonicalJson.writeValue(new DigestOutputStream(OutputStream.nullOutputStream(), sha256), arguments);
        return HEX.formatHex(sha256.digest());
    }

    /** A copy of the prototype: looking SHA-256 up among the security providers on every call costs more. */
    private MessageDigest newSha256() {
        try {
            return (MessageDigest) sha256Prototype.clone();
        } catch (CloneNotSupportedException e) {
            return sha256Instance();
        }
    }

    private static MessageDigest sha256Instance() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private void append(byte[] line) throws IOException {
        long size;
        try (FileChannel channel = PrivateFiles.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            size = channel.size();
        }
        if (size >= maxBytes) {
            rotate();
        }
    }

    private void rotate() throws IOException {
        rotationLock.locked(() -> {
            try {
                if (PrivateFiles.regularFileAttributes(file).size() < maxBytes) {
                    return null; // another process rotated first
                }
            } catch (NoSuchFileException e) {
                return null;
            }
            // Renames and removals only: they act on a link itself, never through it.
            Files.deleteIfExists(rotated(keep));
            for (int i = keep - 1; i >= 1; i--) {
                if (Files.exists(rotated(i), LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(file, rotated(1), StandardCopyOption.ATOMIC_MOVE);
            return null;
        });
    }

    private Path rotated(int index) {
        return file.resolveSibling(FILE_NAME + "." + index);
    }

    @Override
    public void close() {
        rotationLock.close();
    }
}
