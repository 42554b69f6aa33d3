package io.llmgateway.job;

import io.llmgateway.core.GatewayException;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.Termination;
import io.llmgateway.exec.Utf8;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/** Reads job output files: pages for llm_job_result, whole streams for finalization. */
final class OutputPages {
    private OutputPages() {
    }

    /**
     * Up to {@code maxChars} characters of {@code file} from byte {@code offset}, ending on a character
     * boundary (a character the CLI is still writing is left for the next page).
     */
    static JobService.OutputPage read(Path file, String stream, long offset, int maxChars, boolean finished)
            throws IOException {
        FileChannel channel;
        try {
            channel = PrivateFiles.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            channel = null;
        }
        long size;
        byte[] bytes;
        int got = 0;
        try (FileChannel open = channel) {
            size = open == null ? 0 : open.size();
            if (offset < 0 || offset > size) {
                throw GatewayException.invalidArgument("offset " + offset + " is outside " + stream + ", which has "
                        + size + " bytes; start at 0 or at a previous page's nextOffset.");
            }
            bytes = new byte[(int) Math.min(size - offset, (long) maxChars * 4)];
            if (bytes.length > 0) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining() && open.read(buffer, offset + buffer.position()) > 0) {
                    // until full or the end of the file
                }
                got = buffer.position();
            }
        }
        int end = boundary(bytes, got, maxChars);
        if (end == 0 && got > 0 && finished) {
            end = got; // a truncated character at the end of a finished stream
        }
        long next = offset + end;
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        return new JobService.OutputPage(stream, offset, next, size, finished && next == size, text);
    }

    /**
     * The length of the longest prefix of {@code bytes[0, length)} that holds whole UTF-8 sequences and
     * at most {@code maxChars} Java characters. Invalid bytes count as one character each.
     */
    static int boundary(byte[] bytes, int length, int maxChars) {
        int position = 0;
        int chars = 0;
        while (position < length) {
            int sequence = sequenceLength(bytes[position] & 0xff);
            int width = sequence == 4 ? 2 : 1; // a supplementary character is two Java chars
            if (position + sequence > length || (chars > 0 && chars + width > maxChars)) {
                break;
            }
            position += sequence;
            chars += width;
        }
        return position;
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
        return new ProcessOutcome(0, Termination.EXITED, readAll(files.stdout(), false), readAll(files.stderr(), false),
                false, false, ran, pid, runId);
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
