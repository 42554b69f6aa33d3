package io.llmgateway.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.LinkedPathException;
import io.llmgateway.files.LockTimeoutException;
import io.llmgateway.files.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limit counters shared by every gateway process on one data directory and kept across restarts
 * and policy reloads: {@code policy-counters.json} (0600), maps {@code <counter>/<windowSeconds>/
 * <windowStart>} to a call count. Each operation reads, changes and rewrites the file under {@link
 * FileMutex} ({@code policy-counters.lock}), so no process ever sees another's half-done
 * update. Expired windows are pruned on every write.
 *
 * <p>Trade-off, measured: the file is rewritten in place (one positional write plus a truncate),
 * not via temp file + rename + fsync. Renaming cost ~100 us per call and fsync milliseconds; in
 * place costs ~10 us. What that gives up is only power-loss durability: the file is far smaller
 * than a page, and a torn or lost update can only reset counts (logged, then counting restarts),
 * which lets the user make more calls, never fewer. A process crash loses nothing: the data is in
 * the kernel once {@code write} returns, and stale bytes past the new end are ignored.
 *
 * <p>An edited file must not buy calls: a value no count can have (not a whole number from 0 to the
 * largest {@code max} a policy allows, e.g. {@code -1000000}) is damaged, and its window counts as full
 * until it ends (fail closed). It is logged once, reported by {@link #damaged()}, and written back as
 * {@code "damaged"} so every process sees the same. A damaged entry leaves the others as they are.
 */
public final class PolicyCounters implements AutoCloseable {
    public static final String FILE_NAME = "policy-counters.json";
    public static final String LOCK_FILE_NAME = "policy-counters.lock";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyCounters.class);
    private static final int FORMAT_VERSION = 1;
    /** Far above any real policy's counters; guards against reading a stray huge file into memory. */
    private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    /** A damaged entry's count: above every max, so its window is full; never incremented or decremented. */
    private static final long DAMAGED = Long.MAX_VALUE;

    private static final String DAMAGED_TEXT = "damaged";
    /** Longest value quoted in a warning. */
    private static final int MAX_QUOTED_CHARS = 40;

    private final Path file;
    private final FileMutex lock;
    private final JsonFactory json = new JsonFactory();
    /** Damaged entries in the file's open windows at the last read: key to the warning about it. */
    private volatile Map<String, String> damaged = Map.of();

    public PolicyCounters(Path dataDir) {
        this(dataDir, FileMutex.PATIENCE);
    }

    /** {@code lockPatience}: how long a call waits for another process's lock before failing. */
    PolicyCounters(Path dataDir, Duration lockPatience) {
        this.file = dataDir.resolve(FILE_NAME);
        this.lock = new FileMutex(dataDir.resolve(LOCK_FILE_NAME), lockPatience);
    }

    /**
     * Atomically across processes: when every slot's count is below its maximum, counts one call on
     * each slot and returns an empty list; otherwise changes nothing and returns the full slots.
     */
    public List<CounterSlot> reserve(Map<CounterSlot, Long> maxBySlot, Instant now) {
        return update(now, counts -> {
            List<CounterSlot> full = new ArrayList<>();
            maxBySlot.forEach((slot, max) -> {
                if (counts.getOrDefault(slot.key(), 0L) >= max) {
                    full.add(slot);
                }
            });
            if (full.isEmpty()) {
                maxBySlot.keySet().forEach(slot -> counts.merge(slot.key(), 1L, Long::sum));
            }
            return full;
        });
    }

    /** Gives back one call on each slot whose window is still open. */
    public void release(Collection<CounterSlot> slots, Instant now) {
        update(now, counts -> {
            for (CounterSlot slot : slots) {
                counts.computeIfPresent(
                        slot.key(), (key, count) -> count == DAMAGED ? count : count > 1 ? count - 1 : null);
            }
            return null;
        });
    }

    private <T> T update(Instant now, CountsChange<T> change) {
        try {
            return lock.locked(() -> {
                try (FileChannel channel = PrivateFiles.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    Map<String, String> damagedValues = new HashMap<>();
                    Map<String, Long> before = read(channel, damagedValues);
                    Map<String, Long> counts = new HashMap<>(before);
                    long nowSecond = now.getEpochSecond();
                    counts.keySet().removeIf(key -> CounterSlot.windowEndOfKey(key) <= nowSecond);
                    noteDamaged(counts, damagedValues);
                    T result = change.apply(counts);
                    if (!counts.equals(before)) {
                        write(channel, counts);
                    }
                    return result;
                }
            });
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** The counts in the file; {@code damagedValues} gets each damaged entry's value, quoted for a warning. */
    private Map<String, Long> read(FileChannel channel, Map<String, String> damagedValues) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return new HashMap<>();
        }
        if (size > MAX_FILE_BYTES) {
            LOG.warn("{} is larger than {} bytes; counting restarts from zero", file, MAX_FILE_BYTES);
            return new HashMap<>();
        }
        ByteBuffer content = ByteBuffer.allocate((int) size);
        while (content.hasRemaining()) {
            if (channel.read(content, content.position()) < 0) {
                break;
            }
        }
        Map<String, Long> counts = new HashMap<>();
        // Only the first JSON object counts: bytes after it are the tail of a longer earlier
        // version left if the process died between the write and the truncate.
        try (JsonParser parser = json.createParser(content.array(), 0, content.position())) {
            expect(parser.nextToken() == JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("counters")) {
                    expect(value == JsonToken.START_OBJECT);
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String key = parser.currentName();
                        JsonToken token = parser.nextToken();
                        long count = countOf(parser, token);
                        if (count == DAMAGED) {
                            damagedValues.putIfAbsent(key, quote(parser, token));
                            parser.skipChildren();
                        }
                        // A key given twice counts its highest value, a damaged one above all.
                        counts.merge(key, count, Math::max);
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException | IllegalStateException e) {
            // Losing counts errs in the user's favour; refusing every call would not.
            LOG.warn(
                    "{} is unreadable ({}); counting restarts from zero",
                    file,
                    e.getClass().getSimpleName());
            return new HashMap<>();
        }
        return counts;
    }

    /** A whole number from 0 to the largest max a policy allows; {@link #DAMAGED} for anything else. */
    private static long countOf(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long count = parser.getLongValue();
            if (count >= 0 && count <= PolicyParser.MAX_LIMIT) {
                return count;
            }
        }
        return DAMAGED;
    }

    private static String quote(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            return "an object";
        }
        if (token == JsonToken.START_ARRAY) {
            return "a list";
        }
        String text = parser.getText();
        if (text.length() > MAX_QUOTED_CHARS) {
            text = text.substring(0, MAX_QUOTED_CHARS) + "...";
        }
        return token == JsonToken.VALUE_STRING ? "\"" + text + "\"" : text;
    }

    /** Keeps what is damaged in the open windows, and warns once about each entry newly found damaged. */
    private void noteDamaged(Map<String, Long> counts, Map<String, String> damagedValues) {
        Map<String, String> current = new TreeMap<>();
        damagedValues.forEach((key, value) -> {
            if (counts.containsKey(key)) {
                current.put(
                        key,
                        damaged.getOrDefault(
                                key,
                                FILE_NAME + " entry \"" + key + "\" holds " + value
                                        + ", which no count can be (a count is a whole number from 0 to "
                                        + PolicyParser.MAX_LIMIT
                                        + "); that window counts as full until it ends. To reset every count, stop the gateways and"
                                        + " delete " + file));
            }
        });
        current.forEach((key, warning) -> {
            if (!damaged.containsKey(key)) {
                LOG.warn("{}", warning);
            }
        });
        damaged = Collections.unmodifiableMap(current);
    }

    /** One sentence per damaged entry, as of the last call that read the file. */
    public List<String> damaged() {
        return List.copyOf(damaged.values());
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw new IllegalStateException("unexpected counter file structure");
        }
    }

    private void write(FileChannel channel, Map<String, Long> counts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + counts.size() * 48);
        try (JsonGenerator out = json.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeNumberField("version", FORMAT_VERSION);
            out.writeObjectFieldStart("counters");
            for (Map.Entry<String, Long> entry : counts.entrySet()) {
                if (entry.getValue() == DAMAGED) {
                    out.writeStringField(entry.getKey(), DAMAGED_TEXT);
                } else {
                    out.writeNumberField(entry.getKey(), entry.getValue());
                }
            }
            out.writeEndObject();
            out.writeEndObject();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        while (buffer.hasRemaining()) {
            channel.write(buffer, buffer.position());
        }
        channel.truncate(buffer.limit());
    }

    private GatewayException unavailable(IOException e) {
        if (e instanceof LockTimeoutException busy) {
            return new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "The policy counters are busy: " + busy.getMessage() + "; " + busy.advice() + ".");
        }
        if (e instanceof LinkedPathException linked) {
            return new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE, "The policy counters refuse " + linked.getMessage() + ".");
        }
        return new GatewayException(
                ErrorCode.STORE_UNAVAILABLE,
                "The policy counters in " + file.getParent()
                        + " cannot be updated (" + e.getClass().getSimpleName() + "); check the directory's permissions"
                        + " and free space.");
    }

    @Override
    public void close() {
        lock.close();
    }

    @FunctionalInterface
    private interface CountsChange<T> {
        T apply(Map<String, Long> counts);
    }
}
