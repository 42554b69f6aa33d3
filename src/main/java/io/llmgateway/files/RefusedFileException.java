package io.llmgateway.files;

import java.io.IOException;

/**
 * A file {@link RegularFileReader} will not read: not a regular file, over its size limit, or not
 * read in time. The message says why, without the path (e.g. "is a FIFO (named pipe), not a regular
 * file"), so a caller can prefix the name it shows.
 */
public final class RefusedFileException extends IOException {
    public RefusedFileException(String reason) {
        super(reason);
    }
}
