package io.llmgateway.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A path in the data directory is (or passes through) a symbolic link, which the gateway never follows. */
public final class LinkedPathException extends FileSystemException {
    private final transient Path link;

    public LinkedPathException(Path link) {
        super(
                link.toString(),
                null,
                "is a symbolic link" + target(link) + "; the gateway never reads or writes its"
                        + " data through a link: remove the link");
        this.link = link;
    }

    /** The link itself: the path given, or the directory above it that is a link. */
    public Path link() {
        return link;
    }

    private static String target(Path link) {
        try {
            return " to " + Files.readSymbolicLink(link);
        } catch (IOException | UnsupportedOperationException e) {
            return ""; // removed meanwhile: the path still says which one it was
        }
    }
}
