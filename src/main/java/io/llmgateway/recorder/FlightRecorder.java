package io.llmgateway.recorder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.config.RecorderConfig;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.FileMutexes;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.RunContext;
import io.llmgateway.redact.SecretRedactor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flight recorder: every provider request, sync, async or deferred, as JSON lines in append-only day files
 * {@code <data dir>/requests/YYYY-MM-DD.jsonl} (UTC). A request writes a {@code started} line when its command
 * is built and a finished line when its run is completed, failed or abandoned, possibly in another gateway
 * process; a read merges them. Each line is one locked append followed by an fsync, so gateways sharing the data
 * directory never interleave lines; pruning (age, then total size, see {@link RecorderConfig}) happens under the
 * same lock. A grant finds and counts only its own requests. Recording never fails a request: a write that fails
 * is logged. Knows nothing about MCP.
 */
public final class FlightRecorder {
    private static final Logger log = LoggerFactory.getLogger(FlightRecorder.class);
    static final String DIRECTORY = "requests";
    private static final String SUFFIX = ".jsonl";

    private final Path directory;
    private final RecorderConfig config;
    private final FileMutexes mutexes;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final SecretRedactor redactor;

    public FlightRecorder(
            Path dataDir,
            RecorderConfig config,
            FileMutexes mutexes,
            ObjectMapper mapper,
            Clock clock,
            SecretRedactor redactor) {
        this.directory = dataDir.resolve(DIRECTORY);
        this.config = config;
        this.mutexes = mutexes;
        this.mapper = mapper;
        this.clock = clock;
        this.redactor = redactor;
    }

    /** A request's command was built: it runs next. */
    public void started(ProviderId cli, RunContext context, String prompt) {
        Bounded storedPrompt = config.recordPrompts() ? bounded(prompt) : null;
        append(new RequestRecord(
                context.correlationId(),
                context.owner().storedOwner(),
                cli.wireName(),
                context.model(),
                context.sessionId(),
                clock.instant().toString(),
                null,
                null,
                RequestRecord.STARTED,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                prompt.length(),
                storedPrompt == null ? null : storedPrompt.text(),
                null,
                null,
                null));
    }

    /** A request's run ended with a result (its response is redacted already; it is redacted again, bounded). */
    public void completed(RunContext context, ProviderResult result) {
        Bounded response = bounded(result.response());
        append(new RequestRecord(
                context.correlationId(),
                context.owner().storedOwner(),
                result.cli().wireName(),
                result.model(),
                result.sessionId(),
                null,
                clock.instant().toString(),
                result.durationMs(),
                "completed",
                result.exitCode(),
                null,
                null,
                result.usage().inputTokens(),
                result.usage().outputTokens(),
                result.usage().cacheReadTokens(),
                result.usage().cacheCreationTokens(),
                result.costUsd(),
                null,
                null,
                result.response().length(),
                response.truncated(),
                response.text()));
    }

    /** A request's run ended in the error its caller got. */
    public void failed(ProviderId cli, RunContext context, long durationMs, Integer exitCode, GatewayException e) {
        append(finishedWithout(
                cli, context, durationMs, exitCode, "failed", e.code().wireName(), e.getMessage()));
    }

    /** A prepared request will never be completed: cancelled, orphaned, or its run could not start. */
    public void abandoned(RunContext context) {
        append(finishedWithout(null, context, null, null, "abandoned", null, null));
    }

    /** The newest request of {@code owner} with this correlation id, merged from its lines. */
    public Optional<RequestRecord> find(Principal owner, String correlationId) {
        String key = correlationIdField(correlationId);
        Map<String, RequestRecord> found = read(owner, line -> line.startsWith(key), null, null);
        return Optional.ofNullable(found.get(correlationId));
    }

    /**
     * The usage of {@code owner}'s finished requests that started in {@code [since, until)}; null bounds are
     * open.
     */
    public UsageSummary usage(Principal owner, Instant since, Instant until) {
        LocalDate firstDay = since == null ? null : day(since);
        LocalDate lastDay = until == null ? null : day(until);
        Map<String, RequestRecord> requests = read(owner, line -> true, firstDay, lastDay);
        Map<List<String>, UsageSummary.Totals> byDay = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1))
                .thenComparing(k -> k.get(2)));
        Map<String, UsageSummary.Totals> byProvider = new TreeMap<>();
        UsageSummary.Totals totals = UsageSummary.Totals.NONE;
        for (RequestRecord r : requests.values()) {
            Instant started = instant(r.startedAt());
            if (!r.finished()
                    || started == null
                    || (since != null && started.isBefore(since))
                    || (until != null && !started.isBefore(until))) {
                continue;
            }
            String model = r.model() == null ? "" : r.model();
            byDay.merge(
                    List.of(day(started).toString(), r.cli(), model),
                    UsageSummary.Totals.NONE.plus(r),
                    FlightRecorder::sum);
            byProvider.merge(r.cli(), UsageSummary.Totals.NONE.plus(r), FlightRecorder::sum);
            totals = totals.plus(r);
        }
        List<UsageSummary.Row> dayRows = new ArrayList<>();
        byDay.forEach((k, t) ->
                dayRows.add(new UsageSummary.Row(k.get(0), k.get(1), k.get(2).isEmpty() ? null : k.get(2), t)));
        List<UsageSummary.Row> providerRows = new ArrayList<>();
        byProvider.forEach((cli, t) -> providerRows.add(new UsageSummary.Row(null, cli, null, t)));
        return new UsageSummary(
                since == null ? null : since.toString(),
                until == null ? null : until.toString(),
                dayRows,
                providerRows,
                totals);
    }

    /** Counts and latencies of {@code owner}'s finished requests over the recorder's retention, per provider (all). */
    public PerformanceSummary performance(Principal owner) {
        List<RequestRecord> finished = read(owner, line -> true, null, null).values().stream()
                .filter(RequestRecord::finished)
                .toList();
        Map<String, List<RequestRecord>> byCli = new TreeMap<>();
        finished.forEach(r -> byCli.computeIfAbsent(r.cli() == null ? "" : r.cli(), k -> new ArrayList<>())
                .add(r));
        List<PerformanceSummary.Figures> rows = new ArrayList<>();
        for (ProviderId provider : ProviderId.values()) {
            rows.add(PerformanceSummary.Figures.of(
                    provider.wireName(), byCli.getOrDefault(provider.wireName(), List.of())));
        }
        return new PerformanceSummary(rows, PerformanceSummary.Figures.of(null, finished));
    }

    private static UsageSummary.Totals sum(UsageSummary.Totals a, UsageSummary.Totals b) {
        return new UsageSummary.Totals(
                a.requests() + b.requests(),
                a.failed() + b.failed(),
                a.inputTokens() + b.inputTokens(),
                a.outputTokens() + b.outputTokens(),
                a.cacheReadTokens() + b.cacheReadTokens(),
                a.cacheCreationTokens() + b.cacheCreationTokens(),
                a.costUsd() + b.costUsd(),
                a.requestsWithCost() + b.requestsWithCost());
    }

    private RequestRecord finishedWithout(
            ProviderId cli,
            RunContext context,
            Long durationMs,
            Integer exitCode,
            String status,
            String errorCode,
            String errorMessage) {
        return new RequestRecord(
                context.correlationId(),
                context.owner().storedOwner(),
                cli == null ? null : cli.wireName(),
                null,
                null,
                null,
                clock.instant().toString(),
                durationMs,
                status,
                exitCode,
                errorCode,
                errorMessage == null ? null : bounded(errorMessage).text(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    private record Bounded(String text, boolean truncated) {}

    private Bounded bounded(String text) {
        String redacted = redactor.redact(text);
        return redacted.length() <= config.maxStoredChars()
                ? new Bounded(redacted, false)
                : new Bounded(redacted.substring(0, config.maxStoredChars()), true);
    }

    private void append(RequestRecord entry) {
        try {
            byte[] line = (mapper.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            PrivateFiles.createDirectories(directory);
            LocalDate today = day(clock.instant());
            mutex().locked(() -> {
                Path file = directory.resolve(today + SUFFIX);
                boolean created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
                try (FileChannel channel = PrivateFiles.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ByteBuffer buffer = ByteBuffer.wrap(line);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                if (created) {
                    PrivateFiles.syncDirectory(directory);
                }
                prune(today);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            log.warn("could not record request {} in the flight recorder: {}", entry.correlationId(), e.toString());
        }
    }

    /** Under the mutex: day files past the retention, then the oldest ones while all take more than the cap. */
    private void prune(LocalDate today) throws IOException {
        LocalDate oldestKept = today.minusDays(config.retention().toDays());
        TreeMap<LocalDate, Path> files = dayFiles();
        long total = 0;
        for (Map.Entry<LocalDate, Path> file : files.entrySet()) {
            if (file.getKey().isBefore(oldestKept)) {
                PrivateFiles.deleteIfExists(file.getValue());
            } else {
                total += Files.size(file.getValue());
            }
        }
        for (Map.Entry<LocalDate, Path> file : files.tailMap(oldestKept, true).entrySet()) {
            if (total <= config.maxBytes() || !file.getKey().isBefore(today)) {
                break;
            }
            total -= Files.size(file.getValue());
            PrivateFiles.deleteIfExists(file.getValue());
        }
    }

    private TreeMap<LocalDate, Path> dayFiles() throws IOException {
        TreeMap<LocalDate, Path> files = new TreeMap<>();
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return files;
        }
        try (DirectoryStream<Path> entries = PrivateFiles.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                try {
                    files.put(LocalDate.parse(name.substring(0, name.length() - SUFFIX.length())), entry);
                } catch (DateTimeParseException e) {
                    // Not a day file: left alone.
                }
            }
        }
        return files;
    }

    /**
     * {@code owner}'s requests in the day files from {@code firstDay} to {@code lastDay} (open when null), by
     * correlation id, oldest file first so later lines win; only lines passing {@code prefilter} are parsed.
     */
    private Map<String, RequestRecord> read(
            Principal owner, Predicate<String> prefilter, LocalDate firstDay, LocalDate lastDay) {
        try {
            return mutex().lockedShared(() -> {
                Map<String, RequestRecord> requests = new LinkedHashMap<>();
                for (Map.Entry<LocalDate, Path> file : dayFiles().entrySet()) {
                    if ((firstDay != null && file.getKey().isBefore(firstDay.minusDays(1)))
                            || (lastDay != null && file.getKey().isAfter(lastDay.plusDays(1)))) {
                        continue; // a request is written on the days it starts and ends
                    }
                    readFile(file.getValue(), owner, prefilter, requests);
                }
                return requests;
            });
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE, "The flight recorder in " + directory + " could not be read: " + e);
        }
    }

    private void readFile(Path file, Principal owner, Predicate<String> prefilter, Map<String, RequestRecord> requests)
            throws IOException {
        try (FileChannel channel = PrivateFiles.open(file, StandardOpenOption.READ);
                BufferedReader reader = new BufferedReader(
                        new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || !prefilter.test(line)) {
                    continue;
                }
                RequestRecord entry;
                try {
                    entry = mapper.readValue(line, RequestRecord.class);
                } catch (JsonProcessingException e) {
                    log.warn("skipping a malformed line of {}: {}", file, e.getOriginalMessage());
                    continue;
                }
                if (entry.correlationId() == null || !owner.owns(entry.owner())) {
                    continue;
                }
                RequestRecord earlier = requests.get(entry.correlationId());
                requests.put(
                        entry.correlationId(),
                        earlier == null || RequestRecord.STARTED.equals(entry.status()) ? entry : earlier.merge(entry));
            }
        }
    }

    /** How a line of this request begins: correlationId is the record's first field, written as Jackson escapes it. */
    private String correlationIdField(String correlationId) {
        try {
            return "{\"correlationId\":" + mapper.writeValueAsString(correlationId) + ",";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always serialises", e);
        }
    }

    private FileMutex mutex() {
        return mutexes.of(directory.resolve(".lock"));
    }

    private static LocalDate day(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
