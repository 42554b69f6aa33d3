package io.llmgateway.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.ProviderId;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.provider.api.ProviderRuns;
import io.llmgateway.redact.SecretRedactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Progress lines of jobs this process does not run, computed from their stdout files. Each file is read
 * once: a tracker per job remembers how far it got (a few recently asked jobs are kept).
 */
final class ProgressFiles {
    private static final int KEPT = 32;
    private static final int CHUNK = 64 * 1024;
    /** Longer lines are cut here: the tracker only counts lines longer than 64 Ki chars (at most 4 bytes each). */
    private static final int MAX_KEPT_LINE_BYTES = 4 * 64 * 1024 + 4;

    private final ObjectMapper mapper;
    private final SecretRedactor redactor;
    private final ProviderRuns provider;
    private final Map<String, FileProgress> trackers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FileProgress> eldest) {
            return size() > KEPT;
        }
    };

    private static final class FileProgress {
        final ProgressTracker tracker;
        final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
        long offset;

        FileProgress(ProgressTracker tracker) {
            this.tracker = tracker;
        }
    }

    /** @param provider reads the tool names from each provider's events */
    ProgressFiles(ObjectMapper mapper, SecretRedactor redactor, ProviderRuns provider) {
        this.mapper = mapper;
        this.redactor = redactor;
        this.provider = provider;
    }

    /** The progress line of the job of {@code cli} whose stdout is {@code stdout}; null before any output. */
    synchronized String line(String jobId, ProviderId cli, Path stdout) {
        FileProgress progress = trackers.computeIfAbsent(
                jobId,
                id -> new FileProgress(
                        new ProgressTracker(mapper, redactor, event -> provider.toolStarted(cli, event))));
        try (FileChannel channel = PrivateFiles.open(stdout, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            int read;
            while ((read = channel.read(buffer, progress.offset)) > 0) {
                progress.offset += read;
                feed(progress, buffer.array(), read);
                buffer.clear();
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return progress.tracker.line();
        }
        return progress.tracker.line();
    }

    private static void feed(FileProgress progress, byte[] bytes, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                keep(progress.partialLine, bytes, start, i - start);
                progress.tracker.onStdoutLine(progress.partialLine.toString(StandardCharsets.UTF_8));
                progress.partialLine.reset();
                start = i + 1;
            }
        }
        keep(progress.partialLine, bytes, start, length - start);
    }

    private static void keep(ByteArrayOutputStream line, byte[] bytes, int from, int count) {
        line.write(bytes, from, Math.max(0, Math.min(count, MAX_KEPT_LINE_BYTES - line.size())));
    }
}
