package io.llmgateway.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A process identified by pid and start time, so that a reused pid is never mistaken for it.
 *
 * @param startMillis the start time as the kernel reports it, epoch milliseconds
 */
public record ProcessRef(long pid, long startMillis) {
    /** The kernel reports start times in clock ticks; two reads of one process agree within one tick. */
    private static final long START_TOLERANCE_MILLIS = 20;

    public static ProcessRef of(ProcessHandle handle) {
        long start = handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return new ProcessRef(handle.pid(), start);
    }

    public static ProcessRef current() {
        return of(ProcessHandle.current());
    }

    /** The live process this refers to; empty when it has exited or its pid now belongs to another process. */
    public Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
            long start = h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            return start == 0 || startMillis == 0 || Math.abs(start - startMillis) <= START_TOLERANCE_MILLIS;
        }).filter(h -> !isZombie(h.pid()));
    }

    /**
     * An exited process whose parent has not collected its status yet still "is alive" to kill(2). It
     * counts as gone: e.g. a container whose init does not reap would otherwise keep a job running forever.
     */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            return end >= 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public boolean isAlive() {
        return handle().isPresent();
    }
}
