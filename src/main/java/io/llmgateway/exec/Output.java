package io.llmgateway.exec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a child's stdout and stderr go; never to the gateway's own stdout (the protocol in stdio mode). Either way
 * a stream past the run's {@link RunLimits#maxOutputBytes()} stops the run, and what fit is kept.
 */
public sealed interface Output {

    /**
     * Into memory, each stream bounded by the cap: for short runs whose output the caller reads (probes). The
     * streams are read until they end, also while the run is being stopped, so a child never blocks on a full pipe.
     */
    static Output capture() {
        return Capture.INSTANCE;
    }

    /**
     * Appended to two files (created 0600 when missing), which the kernel writes directly: no pipe through this
     * process, so the child loses nothing when its watcher dies. Watched by their sizes; cut back to the cap when
     * the run ends. The outcome's stdout and stderr are then empty: the output is in the files.
     */
    static ToFiles appendTo(Path stdout, Path stderr) {
        return new ToFiles(stdout, stderr);
    }

    /** Both streams appended to one file, as {@link #appendTo} (a log of a process nobody reads otherwise). */
    static Output appendBothTo(Path log) {
        return new ToFiles(log, null);
    }

    enum Capture implements Output {
        INSTANCE
    }

    /** @param stderr null when stderr goes to {@code stdout}'s file */
    record ToFiles(Path stdout, Path stderr) implements Output {
        public ToFiles {
            Objects.requireNonNull(stdout, "stdout");
        }
    }
}
