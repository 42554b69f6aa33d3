package io.llmgateway.policy;

import io.llmgateway.files.LinkedPathException;
import io.llmgateway.files.LockTimeoutException;
import io.llmgateway.files.PrivateFiles;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limit counters shared by every gateway process on one data directory and kept across restarts
 * and policy reloads: {@code policy-counters.json} (0600), maps {@code <counter>/<windowSeconds>/
 * <windowStart>} to a call count. Each operation reads, changes and rewrites the file under {@link
 * InterProcessLock} ({@code policy-counters.lock}), so no process ever sees another's half-done
 * update. Expired windows are pruned on every write.
 *
 * <p>Trade-off, measured: the file is rewritten in place (one positional write plus a truncate),
 * not via temp file + rename + fsync. Renaming cost ~100 us per call and fsync milliseconds; in
 * place costs ~10 us. What that gives up is only power-loss durability: the file is far smaller
 * than a page, and a torn or lost update can only reset counts (logged, then counting restarts),
 * which lets the user make more calls, never fewer. A process crash loses nothing: the data is in
 * the kernel once {@code write} returns, and stale bytes past the new end are ignored.
 */
public final class PolicyCounters implements AutoCloseable {
    public static final String FILE_NAME = "policy-counters.json";
    public static final String LOCK_FILE_NAME = "policy-counters.lock";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyCounters.class);
    private static final int FORMAT_VERSION = 1;
    /** Far above any real policy's counters; guards against reading a stray huge file into memory. */
    private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    private final Path file;
    private final InterProcessLock lock;
    private final JsonFactory json = new JsonFactory();

    public PolicyCounters(Path dataDir) {
        this(dataDir, InterProcessLock.DEFAULT_PATIENCE);
    }

    /** {@code lockPatience}: how long a call waits for another process's lock before failing. */
    PolicyCounters(Path dataDir, Duration lockPatience) {
        this.file = dataDir.resolve(FILE_NAME);
        this.lock = new InterProcessLock(dataDir.resolve(LOCK_FILE_NAME), lockPatience);
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
                counts.computeIfPresent(slot.key(), (key, count) -> count > 1 ? count - 1 : null);
            }
            return null;
        });
    }

    private <T> T update(Instant now, CountsChange<T> change) {
        try {
            return lock.locked(() -> {
                try (FileChannel channel = PrivateFiles.open(file, StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    Map<String, Long> before = read(channel);
                    Map<String, Long> counts = new HashMap<>(before);
                    long nowSecond = now.getEpochSecond();
                    counts.keySet().removeIf(key -> CounterSlot.windowEndOfKey(key) <= nowSecond);
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

    private Map<String, Long> read(FileChannel channel) throws IOException {
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
                        expect(parser.nextToken() == JsonToken.VALUE_NUMBER_INT);
                        counts.put(key, parser.getLongValue());
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException | IllegalStateException e) {
            // Losing counts errs in the user's favour; refusing every call would not.
            LOG.warn("{} is unreadable ({}); counting restarts from zero", file, e.getClass().getSimpleName());
            return new HashMap<>();
        }
        return counts;
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
                out.writeNumberField(entry.getKey(), entry.getValue());
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
            return new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The policy counters are busy: " + busy.getMessage()
                    + "; " + busy.advice() + ".");
        }
        if (e instanceof LinkedPathException linked) {
            return new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The policy counters refuse " + linked.getMessage()
                    + ".");
        }
        return new GatewayException(ErrorCode.STORE_UNAVAILABLE, "The policy counters in " + file.getParent()
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
