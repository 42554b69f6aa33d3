package io.llmgateway.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A process identified by pid, start time and the machine view the pid belongs to, so that neither a
 * reused pid nor a pid of another boot or pid namespace (a container sharing the data directory) is
 * mistaken for it.
 *
 * @param startMillis the start time as the kernel reports it, epoch milliseconds (0 if unknown)
 * @param machine     boot id and pid namespace where the pid is valid (see {@link #THIS_MACHINE}); null
 *                    for "this one"
 */
public record ProcessRef(long pid, long startMillis, String machine) {
    /** This boot and pid namespace, e.g. {@code 3f6c...-boot-id/pid:[4026531836]}; "unknown" without /proc. */
    public static final String THIS_MACHINE = machineId();
    /** The kernel reports start times in clock ticks; two reads of one process agree within one tick. */
    private static final long START_TOLERANCE_MILLIS = 20;

    public static ProcessRef of(ProcessHandle handle) {
        long start = handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return new ProcessRef(handle.pid(), start, THIS_MACHINE);
    }

    public static ProcessRef current() {
        return of(ProcessHandle.current());
    }

    /** One line, {@code <pid> <startMillis> <machine>}, as read by {@link #parse}. */
    public String asText() {
        return pid + " " + startMillis + " " + (machine == null ? THIS_MACHINE : machine);
    }

    /** The reference {@link #asText()} wrote; empty for anything else. */
    public static Optional<ProcessRef> parse(String text) {
        String[] fields = text.trim().split(" ", 3);
        if (fields.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcessRef(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether this process can see and signal the referenced one by its pid. */
    public boolean isLocal() {
        return machine == null || machine.equals(THIS_MACHINE);
    }

    /**
     * The live process this refers to; empty when it has exited, its pid now belongs to another process,
     * or it is not {@linkplain #isLocal() local}.
     */
    public Optional<ProcessHandle> handle() {
        if (!isLocal()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> {
                    long start =
                            h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
                    return start == 0 || startMillis == 0 || Math.abs(start - startMillis) <= START_TOLERANCE_MILLIS;
                })
                .filter(h -> !isZombie(h.pid()));
    }

    /**
     * Whether the process still runs. One of another pid namespace of this boot cannot be seen from here
     * and counts as running (a gateway in its namespace will tell); one of an earlier boot is gone.
     */
    public boolean isAlive() {
        if (isLocal()) {
            return handle().isPresent();
        }
        return bootOf(machine).equals(bootOf(THIS_MACHINE));
    }

    private static String bootOf(String machine) {
        int slash = machine.indexOf('/');
        return slash < 0 ? machine : machine.substring(0, slash);
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

    private static String machineId() {
        try {
            String boot =
                    Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
            String namespace =
                    Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return boot + "/" + namespace;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
