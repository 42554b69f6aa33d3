package io.llmgateway.job;

import io.llmgateway.exec.OutputListener;
import io.llmgateway.exec.OutputStreamKind;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a sync request's output lines into its job files once it is deferred: until then the lines are
 * kept in memory (at most the output cap per stream), then written out, and every later line is appended
 * as it arrives. Lines are written back with {@code \n} endings.
 */
final class OutputTee implements OutputListener {
    private static final Logger LOG = LoggerFactory.getLogger(OutputTee.class);

    private final long maxBytes;
    private final ByteArrayOutputStream pendingStdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream pendingStderr = new ByteArrayOutputStream();
    private OutputStream stdout;
    private OutputStream stderr;
    private boolean failed;

    OutputTee(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized void onLine(OutputStreamKind stream, String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        boolean isStdout = stream == OutputStreamKind.STDOUT;
        OutputStream file = isStdout ? stdout : stderr;
        if (file == null) {
            ByteArrayOutputStream pending = isStdout ? pendingStdout : pendingStderr;
            if (pending.size() + (long) bytes.length <= maxBytes) {
                pending.writeBytes(bytes);
            }
            return;
        }
        write(file, bytes);
    }

    /** Writes what was kept so far into the job's files and appends every later line there. */
    synchronized void attach(JobFiles files) throws IOException {
        stdout = new FileOutputStream(files.stdout().toFile(), true);
        stderr = new FileOutputStream(files.stderr().toFile(), true);
        pendingStdout.writeTo(stdout);
        pendingStderr.writeTo(stderr);
        pendingStdout.reset();
        pendingStderr.reset();
    }

    synchronized void close() {
        for (OutputStream out : new OutputStream[] {stdout, stderr}) {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.warn("Closing a job output file failed: {}", e.getMessage());
                }
            }
        }
        stdout = null;
        stderr = null;
    }

    private void write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            if (!failed) {
                LOG.warn("Copying a deferred request's output to its job files failed: {}", e.getMessage());
                failed = true;
            }
        }
    }
}
