package io.llmgateway.job;

import io.llmgateway.core.GatewayException;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.Termination;
import io.llmgateway.exec.Utf8;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.job.supervisor.ExitReport;
import io.llmgateway.job.supervisor.JobFiles;
import io.llmgateway.redact.SecretRedactor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads job output files: redacted pages for llm_job_result, whole streams for finalization.
 *
 * <p>Offsets are byte offsets into the file as the CLI wrote it; the text of a page is the redacted text of
 * its bytes. A page never ends inside a secret (a secret is replaced whole, by the page it starts in),
 * and while the CLI still writes, a page leaves out what more output could still turn into a secret. Each
 * page is redacted with {@link SecretRedactor#MAX_SECRET_CHARS} characters of context either side, so
 * following {@code nextOffset} from 0 gives exactly the redacted stream.
 */
final class OutputPages {
    /** Context read either side of a page: {@link SecretRedactor#MAX_SECRET_CHARS} characters in any encoding. */
    private static final int CONTEXT_BYTES = 4 * SecretRedactor.MAX_SECRET_CHARS;

    private OutputPages() {}

    /**
     * Up to {@code maxChars} characters of the redacted text of {@code file} from byte {@code offset},
     * ending on a character boundary outside any secret (a character the CLI is still writing is left for
     * the next page). A page that starts inside a secret (an offset not taken from a previous page) shows
     * the rest of it as the replacement. A single secret's replacement is returned even when longer than
     * {@code maxChars}.
     */
    static JobService.OutputPage read(
            Path file, String stream, long offset, int maxChars, boolean finished, SecretRedactor redactor)
            throws IOException {
        long size = sizeRefusingLinks(file);
        if (offset < 0 || offset > size) {
            throw GatewayException.invalidArgument("offset " + offset + " is outside " + stream + ", which has " + size
                    + " bytes; start at 0 or at a previous page's nextOffset.");
        }
        long from = Math.max(0, offset - CONTEXT_BYTES);
        long rawLimit = Math.min(size, offset + (long) maxChars * 4);
        byte[] bytes = readRange(file, from, (int) (Math.min(size, rawLimit + CONTEXT_BYTES) - from));
        boolean toStreamEnd = from + bytes.length >= size;
        Decoded text = Decoded.of(bytes, (int) (offset - from), toStreamEnd && finished);
        int start = text.charAt(offset - from);
        int limit = text.charAt(Math.min(rawLimit - from, bytes.length));
        // While the CLI writes, the end of the output may still become (part of) a secret.
        int settled = toStreamEnd && !finished ? redactor.settledLength(text.chars) : text.chars.length();
        List<SecretRedactor.Span> spans = text.snapped(redactor.find(text.chars));

        StringBuilder page = new StringBuilder();
        int chars = 0;
        int at = start;
        int nextSpan = 0;
        while (nextSpan < spans.size() && spans.get(nextSpan).end() <= at) {
            nextSpan++;
        }
        while (at < limit && at < settled) {
            SecretRedactor.Span span =
                    nextSpan < spans.size() && spans.get(nextSpan).start() <= at ? spans.get(nextSpan) : null;
            int unitEnd = span != null ? span.end() : text.nextBoundary(at);
            int width = span != null ? SecretRedactor.REPLACEMENT.length() : unitEnd - at;
            if (unitEnd > settled || (chars > 0 && chars + width > maxChars)) {
                break;
            }
            page.append(span != null ? SecretRedactor.REPLACEMENT : text.chars.subSequence(at, unitEnd));
            chars += width;
            at = unitEnd;
            if (span != null) {
                nextSpan++;
            }
        }
        long next = Math.max(offset, from + text.byteAt(at)); // the file may have been cut back meanwhile
        return new JobService.OutputPage(stream, offset, next, size, finished && next == size, page.toString());
    }

    /** 0 when the file does not exist yet; a link in its place is refused, never followed (nor taken as empty). */
    private static long sizeRefusingLinks(Path file) throws IOException {
        try {
            return PrivateFiles.regularFileAttributes(file).size();
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private static byte[] readRange(Path file, long from, int length) throws IOException {
        byte[] bytes = new byte[length];
        int got = 0;
        if (length > 0) {
            try (FileChannel channel = PrivateFiles.open(file, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
                    // until full or the end of the file
                }
                got = buffer.position();
            }
        }
        return got == length ? bytes : Arrays.copyOf(bytes, got);
    }

    /**
     * Bytes decoded as UTF-8, keeping where each character starts. A UTF-8 sequence is one unit (a
     * supplementary character is two Java chars); an invalid byte is one replacement character.
     */
    private static final class Decoded {
        final StringBuilder chars = new StringBuilder();
        /** Byte offset of each char that starts a unit, -1 for the second char of a unit; one more for the end. */
        private int[] byteOffsets = new int[64];

        /**
         * @param boundary   a byte offset that starts a unit whatever the bytes (the page's start)
         * @param finalBytes the bytes end the stream: an incomplete character at the end is decoded (as
         *                   replacement characters) rather than left out
         */
        static Decoded of(byte[] bytes, int boundary, boolean finalBytes) {
            Decoded decoded = new Decoded();
            int position = 0;
            while (position < bytes.length) {
                int lead = bytes[position] & 0xff;
                int length = sequenceLength(lead);
                boolean beforeStart = position < boundary;
                int limit = beforeStart ? boundary : bytes.length;
                if (!beforeStart && position + length > limit && !finalBytes) {
                    break; // a character still being written, or cut by the end of what was read
                }
                if (length == 1 || position + length > limit || !continues(bytes, position + 1, position + length)) {
                    decoded.add(lead < 0x80 ? String.valueOf((char) lead) : "\uFFFD", position);
                    position++;
                } else {
                    decoded.add(new String(bytes, position, length, StandardCharsets.UTF_8), position);
                    position += length;
                }
            }
            decoded.end(position);
            return decoded;
        }

        private static boolean continues(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                if ((bytes[i] & 0xc0) != 0x80) {
                    return false;
                }
            }
            return true;
        }

        private void add(String unit, int byteOffset) {
            ensure(chars.length() + unit.length() + 1);
            byteOffsets[chars.length()] = byteOffset;
            for (int i = 1; i < unit.length(); i++) {
                byteOffsets[chars.length() + i] = -1;
            }
            chars.append(unit);
        }

        private void end(int byteOffset) {
            ensure(chars.length() + 1);
            byteOffsets[chars.length()] = byteOffset;
        }

        private void ensure(int capacity) {
            if (capacity > byteOffsets.length) {
                byteOffsets = Arrays.copyOf(byteOffsets, Math.max(capacity, byteOffsets.length * 2));
            }
        }

        /** The byte offset where the unit starting at char {@code index} starts. */
        int byteAt(int index) {
            return byteOffsets[index];
        }

        /** The first unit start at or after byte offset {@code byteOffset} (the end when there is none). */
        int charAt(long byteOffset) {
            int low = 0;
            int high = chars.length();
            while (low < high) { // the first index whose unit starts at or after byteOffset
                int middle = (low + high) >>> 1;
                int at = startOf(middle);
                if (at < byteOffset) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return nextUnitStart(low);
        }

        int nextBoundary(int index) {
            return nextUnitStart(index + 1);
        }

        private int nextUnitStart(int index) {
            while (index < chars.length() && byteOffsets[index] < 0) {
                index++;
            }
            return index;
        }

        /** The byte offset of the unit holding char {@code index}. */
        private int startOf(int index) {
            while (byteOffsets[index] < 0) {
                index--;
            }
            return byteOffsets[index];
        }

        /** Spans widened to whole units. */
        List<SecretRedactor.Span> snapped(List<SecretRedactor.Span> spans) {
            List<SecretRedactor.Span> out = new ArrayList<>(spans.size());
            for (SecretRedactor.Span span : spans) {
                int spanStart = span.start();
                while (spanStart > 0 && byteOffsets[spanStart] < 0) {
                    spanStart--;
                }
                int spanEnd = nextUnitStart(span.end());
                if (!out.isEmpty() && out.get(out.size() - 1).end() >= spanStart) {
                    spanStart = out.remove(out.size() - 1).start();
                }
                out.add(new SecretRedactor.Span(spanStart, spanEnd));
            }
            return out;
        }
    }

    private static int sequenceLength(int lead) {
        if (lead >= 0xc0 && lead < 0xe0) {
            return 2;
        }
        if (lead >= 0xe0 && lead < 0xf0) {
            return 3;
        }
        if (lead >= 0xf0 && lead < 0xf8) {
            return 4;
        }
        return 1; // ASCII, or an invalid byte decoded as one replacement character
    }

    /** The outcome of a finished run, from exit.json and the output files. */
    static ProcessOutcome outcome(JobFiles files, ExitReport exit) throws IOException {
        Termination termination = Termination.valueOf(exit.termination());
        return new ProcessOutcome(
                termination == Termination.EXITED ? exit.exitCode() : null,
                termination,
                readAll(files.stdout(), exit.stdoutTruncated()),
                readAll(files.stderr(), exit.stderrTruncated()),
                exit.stdoutTruncated(),
                exit.stderrTruncated(),
                Duration.ofMillis(exit.durationMs()),
                exit.pid(),
                exit.runId() == null ? "" : exit.runId());
    }

    /**
     * The outcome of a run that ended with nobody to collect its exit status, as if it had exited 0: the
     * provider's parser and failure checks then accept only a complete, successful reply.
     */
    static ProcessOutcome outcomeWithoutStatus(JobFiles files, Duration ran, long pid, String runId)
            throws IOException {
        return new ProcessOutcome(
                0,
                Termination.EXITED,
                readAll(files.stdout(), false),
                readAll(files.stderr(), false),
                false,
                false,
                ran,
                pid,
                runId);
    }

    /** A stream cut at the cap may end in half a character: it is dropped rather than mangled. */
    private static String readAll(Path file, boolean truncated) throws IOException {
        byte[] bytes;
        try {
            bytes = PrivateFiles.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return "";
        }
        int length = truncated ? Utf8.completePrefixLength(bytes) : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
