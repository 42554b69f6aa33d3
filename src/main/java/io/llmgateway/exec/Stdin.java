package io.llmgateway.exec;

import java.nio.file.Path;
import java.util.Objects;

/** What a child reads on stdin. It never shares the gateway's own stdin (the protocol in stdio mode). */
public sealed interface Stdin {

    /** Nothing: stdin is at its end at once (CLIs such as {@code codex exec} would wait on an open one). */
    static Stdin closed() {
        return Closed.INSTANCE;
    }

    /** {@code text} as UTF-8, written by a thread of its own (a child may read slowly), then the end. */
    static Stdin text(String text) {
        return new Text(text);
    }

    /**
     * The content of {@code file}, opened here without following links; the child holds it open, so the file
     * may be removed once the child started. Nothing ties the child to this process.
     */
    static Stdin file(Path file) {
        return new FromFile(file);
    }

    enum Closed implements Stdin {
        INSTANCE
    }

    record Text(String text) implements Stdin {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    record FromFile(Path file) implements Stdin {
        public FromFile {
            Objects.requireNonNull(file, "file");
        }
    }
}
