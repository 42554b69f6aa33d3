package io.llmgateway.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every process belonging to one run, and how to kill them all.
 *
 * <p>{@link ProcessHandle#descendants()} alone is not enough: a grandchild whose parent already exited
 * is re-parented to init and no longer descends from the process we spawned, yet it may keep running
 * and hold our output pipes open. On Linux the run is therefore also found through /proc: every
 * process whose environment carries the run's marker variable (inherited by all descendants unless one
 * rebuilds its environment) and every process holding one of the pipes we gave the child as stdin,
 * stdout or stderr (which catches a descendant that dropped the marker but still holds our output).
 * Each marker is its own variable name, so a gateway run inside another gateway's run keeps both.
 * Elsewhere only the spawned process and its live descendants are found. {@link StopStrategy#WHOLE_TREE} is
 * how the rest of the gateway reaches it.
 */
final class ProcessTree {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
    private static final String MARKER_PREFIX = "LLM_GATEWAY_RUN_";
    private static final Path PROC = Path.of("/proc");
    /** SIGKILL is repeated (catching processes forked meanwhile) for at most this long. */
    private static final Duration KILL_PERSISTENCE = Duration.ofSeconds(5);

    private static final long POLL_MILLIS = 20;
    /** Field number of {@code starttime} in /proc/[pid]/stat (proc(5)). */
    private static final int STARTTIME_FIELD = 22;

    private final ProcessHandle root;
    private final byte[] markerEntry;
    private final boolean procfs;
    private final long selfPid = ProcessHandle.current().pid();
    private final Set<String> stdioPipes;
    private final long rootStartTicks;

    ProcessTree(RunProcesses run) {
        this.root = run.root();
        this.markerEntry = (markerVariable(run.runId()) + "=").getBytes(StandardCharsets.UTF_8);
        this.procfs = Files.isDirectory(PROC.resolve("self").resolve("fd"));
        this.stdioPipes = run.stdioPipes();
        // A root that already exited cannot tell its start; the JVM started earlier still.
        long rootTicks = procfs ? startTicks(PROC.resolve(Long.toString(root.pid()))) : -1;
        this.rootStartTicks = rootTicks >= 0 ? rootTicks : startTicks(PROC.resolve(Long.toString(selfPid)));
    }

    /** The environment variable that marks every process of run {@code runId}. */
    static String markerVariable(String runId) {
        return MARKER_PREFIX + runId;
    }

    /**
     * SIGTERM to every process of the run, up to {@code grace} for them to exit, then SIGKILL (repeated
     * until none is left) to whatever remains or appeared meanwhile. Returns at once when nothing is left.
     */
    void terminate(Duration grace) {
        Map<Long, ProcessHandle> targets = members();
        if (targets.isEmpty()) {
            return;
        }
        LOG.debug("Terminating processes {} of run rooted at {}", targets.keySet(), root.pid());
        boolean interrupted = false;
        targets.values().forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (targets.values().stream().anyMatch(this::isRunning) && System.nanoTime() - deadline < 0) {
            interrupted |= pause();
        }
        long killDeadline = System.nanoTime() + KILL_PERSISTENCE.toNanos();
        for (Map<Long, ProcessHandle> left = members(); !left.isEmpty(); left = members()) {
            if (System.nanoTime() - killDeadline > 0) {
                LOG.warn("Processes {} of run rooted at {} survived SIGKILL; leaving them", left.keySet(), root.pid());
                break;
            }
            left.values().forEach(ProcessHandle::destroyForcibly);
            interrupted |= pause();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Live (non-zombie) processes of the run, keyed by pid. */
    Map<Long, ProcessHandle> members() {
        Map<Long, ProcessHandle> found = new LinkedHashMap<>();
        addWithDescendants(found, root);
        if (procfs) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
                for (Path dir : entries) {
                    long pid = parsePid(dir.getFileName().toString());
                    if (pid > 0
                            && pid != selfPid
                            && !found.containsKey(pid)
                            && startTicks(dir) >= rootStartTicks
                            && (carriesMarker(dir) || holdsStdioPipe(dir))) {
                        ProcessHandle.of(pid).filter(this::notSpawnedByUs).ifPresent(h -> addWithDescendants(found, h));
                    }
                }
            } catch (IOException e) {
                LOG.debug("Cannot list /proc: {}", e.toString());
            }
        }
        found.values().removeIf(h -> !isRunning(h));
        return found;
    }

    /**
     * While the JVM spawns another child, the short-lived helper briefly holds every pipe of the JVM,
     * ours included; our run's processes descend from the root, never directly from the JVM.
     */
    private boolean notSpawnedByUs(ProcessHandle handle) {
        return handle.parent().map(p -> p.pid() != selfPid).orElse(true);
    }

    private static void addWithDescendants(Map<Long, ProcessHandle> found, ProcessHandle handle) {
        if (handle.isAlive()) {
            found.put(handle.pid(), handle);
            handle.descendants().forEach(d -> found.put(d.pid(), d));
        }
    }

    /**
     * When the process started, in clock ticks since boot; -1 if unknown. Every process of the run
     * started no earlier than the root, so older processes (most of the system) need no closer look.
     */
    private static long startTicks(Path dir) {
        String[] fields = statFields(dir);
        try {
            return fields == null ? -1 : Long.parseLong(fields[STARTTIME_FIELD - 3]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** A zombie has exited and only waits for its parent to reap it; it holds no memory or files. */
    private boolean isRunning(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        if (!procfs) {
            return true;
        }
        String[] fields = statFields(PROC.resolve(Long.toString(handle.pid())));
        return fields != null && !fields[0].equals("Z");
    }

    /** The fields of /proc/[pid]/stat from the third (state) on; null if unreadable. */
    private static String[] statFields(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // The second field, the command name in parentheses, may itself contain spaces and parentheses.
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private boolean carriesMarker(Path dir) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(dir.resolve("environ"));
        } catch (IOException e) {
            return false;
        }
        for (int start = 0; start < environ.length; ) {
            if (startsWith(environ, start, markerEntry)) {
                return true;
            }
            int nul = indexOf(environ, (byte) 0, start);
            start = nul < 0 ? environ.length : nul + 1;
        }
        return false;
    }

    private boolean holdsStdioPipe(Path dir) {
        if (stdioPipes.isEmpty()) {
            return false;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path fd : fds) {
                if (stdioPipes.contains(link(fd).orElse(""))) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * The pipes this JVM holds open, as {@code pipe:[inode]}; empty where /proc is unavailable. The
     * difference across a spawn is the new child's stdio pipes. (A child that exits before the second
     * look may already have had its pipes closed by the JDK; its orphans are then found only through
     * the marker.)
     */
    static Set<String> pipesOfThisJvm() {
        Set<String> pipes = new HashSet<>();
        try (DirectoryStream<Path> fds =
                Files.newDirectoryStream(PROC.resolve("self").resolve("fd"))) {
            for (Path fd : fds) {
                link(fd).filter(l -> l.startsWith("pipe:")).ifPresent(pipes::add);
            }
        } catch (IOException e) {
            LOG.debug("Cannot list this JVM's file descriptors: {}", e.toString());
        }
        return pipes;
    }

    private static Optional<String> link(Path path) {
        try {
            return Optional.of(Files.readSymbolicLink(path).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static long parsePid(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return name.isEmpty() || name.length() > 18 ? -1 : Long.parseLong(name);
    }

    private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
        if (data.length - offset < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] data, byte value, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static boolean pause() {
        try {
            Thread.sleep(POLL_MILLIS);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
