package io.llmgateway.files;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Another process held a lock file for longer than the caller was willing to wait. */
public final class LockTimeoutException extends IOException {
    private final transient Path file;
    private final transient List<Long> holders;

    public LockTimeoutException(Path file, Duration waited, List<Long> holders) {
        super(file + " stayed locked by " + describe(holders) + " for over "
                + (waited.toMillis() < 1000 ? waited.toMillis() + " ms" : waited.toSeconds() + " s"));
        this.file = file;
        this.holders = List.copyOf(holders);
    }

    public Path file() {
        return file;
    }

    /** Pids of the processes holding the lock, where the system tells (Linux); may be empty. */
    public List<Long> holders() {
        return holders;
    }

    /** What to do about it, in one sentence. */
    public String advice() {
        return "if that process is stuck (stopped with Ctrl-Z, or hung), resume it (kill -CONT) or end it; the kernel"
                + " releases its lock the moment it exits";
    }

    private static String describe(List<Long> holders) {
        if (holders.isEmpty()) {
            return "another process";
        }
        return holders.stream()
                .map(pid -> "process " + pid
                        + ProcessHandle.of(pid)
                                .flatMap(p -> p.info().commandLine())
                                .map(c -> " (" + abbreviate(c) + ")")
                                .orElse(""))
                .collect(Collectors.joining(", "));
    }

    private static String abbreviate(String commandLine) {
        return commandLine.length() <= 120 ? commandLine : commandLine.substring(0, 117) + "...";
    }
}
