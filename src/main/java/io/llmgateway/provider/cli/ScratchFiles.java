package io.llmgateway.provider.cli;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Temporary files a CLI reads during one request (e.g. Codex's --output-schema); deleted on close. */
public final class ScratchFiles implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScratchFiles.class);

    private final List<Path> files = new ArrayList<>();

    /** Writes {@code content} to a new file readable only by this user and returns its absolute path. */
    public Path write(String prefix, String suffix, String content) {
        try {
            Path file = Files.createTempFile(
                    prefix, suffix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            files.add(file);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file.toAbsolutePath();
        } catch (IOException | UnsupportedOperationException e) {
            throw new GatewayException(
                    ErrorCode.INTERNAL_ERROR,
                    "Could not write a temporary file for the CLI ("
                            + e.getClass().getSimpleName() + "); check that the temporary directory is writable.");
        }
    }

    /** The files written so far: a job deletes them when its run is complete, possibly in another process. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    @Override
    public void close() {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("could not delete temporary file {}: {}", file, e.toString());
            }
        }
        files.clear();
    }
}
