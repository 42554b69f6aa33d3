package io.llmgateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The original TypeScript gateway running on a data directory, which this gateway must not write at the same
 * time. The original keeps {@code logs.db} (SQLite, with {@code -wal} and {@code -shm}) open for as long as it
 * runs, and 3.x holds {@code sessions.json.lock} ({@code {token, pid, hostname, acquiredAt}}) while it changes
 * {@code sessions.json}; this gateway opens none of them. So a process is the original when it has one of those
 * files of this directory open, when it holds that lock, or when it is a node process running llm-cli-gateway
 * whose environment ({@code LLM_GATEWAY_SESSIONS_FILE}, else {@code $HOME/.llm-cli-gateway}) names this
 * directory. Reads {@code /proc}; where there is none (macOS) only the lock file is seen.
 */
public final class RunningOriginal {
    static final String LOCK_FILE = "sessions.json.lock";
    private static final Set<String> HELD_OPEN = Set.of("logs.db", "logs.db-wal", "logs.db-shm", LOCK_FILE);
    private static final Path PROC = Path.of("/proc");
    private static final int MAX_COMMAND_CHARS = 200;

    private RunningOriginal() {}

    /**
     * One original process found.
     *
     * @param command  its command line, shortened
     * @param evidence what gave it away, e.g. "has /home/u/.llm-cli-gateway/logs.db open"
     */
    public record Sighting(long pid, String command, String evidence) {
        public String describe() {
            return "pid " + pid + (command.isEmpty() ? "" : " (" + command + ")") + ", which " + evidence;
        }
    }

    /** Every original process running on {@code dataDir}, none when it has none or nothing can be seen. */
    public static List<Sighting> on(Path dataDir) {
        Path dir = real(dataDir);
        Map<Long, Sighting> found = new LinkedHashMap<>();
        lockHolder(dir).ifPresent(s -> found.put(s.pid(), s));
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                if (pid == self || found.containsKey(pid)) {
                    continue;
                }
                List<String> argv = commandLine(process);
                String evidence = openFile(process, dir);
                if (evidence == null && runsTheOriginal(argv) && dir.equals(dataDirectoryOf(process))) {
                    evidence = "runs llm-cli-gateway with " + dir + " as its data directory";
                }
                if (evidence != null) {
                    found.put(pid, new Sighting(pid, shorten(String.join(" ", argv)), evidence));
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc (or it vanished): the lock file is all that can be seen.
        }
        return List.copyOf(found.values());
    }

    /** The 3.x lock, when a live process on this host (or any process on another host) holds it. */
    private static Optional<Sighting> lockHolder(Path dir) {
        JsonNode lock;
        try {
            lock = Json.newMapper().readTree(PrivateFiles.readAllBytes(dir.resolve(LOCK_FILE)));
        } catch (IOException e) {
            return Optional.empty(); // none, unreadable, a link, or being written: nothing to go on
        }
        if (lock == null || !lock.path("pid").canConvertToLong()) {
            return Optional.empty();
        }
        long pid = lock.path("pid").asLong();
        String host = lock.path("hostname").asText("");
        String here = hostname();
        if (here != null && !host.isEmpty() && !host.equals(here)) {
            return Optional.of(new Sighting(pid, "", "holds " + dir.resolve(LOCK_FILE) + " from the host " + host));
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .map(process -> new Sighting(
                        pid, shorten(process.info().commandLine().orElse("")), "holds " + dir.resolve(LOCK_FILE)));
    }

    private static String openFile(Path process, Path dir) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path descriptor : descriptors) {
                Path target;
                try {
                    target = Files.readSymbolicLink(descriptor);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (dir.equals(target.getParent())
                        && HELD_OPEN.contains(target.getFileName().toString())) {
                    return "has " + target + " open";
                }
            }
        } catch (IOException e) {
            // Another user's process, or it exited.
        }
        return null;
    }

    private static boolean runsTheOriginal(List<String> argv) {
        if (argv.isEmpty()) {
            return false;
        }
        Path program = Path.of(argv.get(0)).getFileName();
        return program != null
                && program.toString().startsWith("node")
                && argv.stream().skip(1).anyMatch(arg -> arg.contains("llm-cli-gateway"));
    }

    /** The data directory a running original uses, from its environment as the original reads it. */
    private static Path dataDirectoryOf(Path process) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : nulSeparated(process.resolve("environ"))) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                env.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        String sessionsFile = env.getOrDefault("LLM_GATEWAY_SESSIONS_FILE", "").trim();
        if (!sessionsFile.isEmpty()) {
            Path parent = Path.of(sessionsFile).toAbsolutePath().getParent();
            return parent == null ? null : real(parent);
        }
        String home = env.get("HOME");
        return home == null || home.isEmpty() ? null : real(Path.of(home, ".llm-cli-gateway"));
    }

    private static List<String> commandLine(Path process) {
        return nulSeparated(process.resolve("cmdline"));
    }

    private static List<String> nulSeparated(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        for (String part : new String(content, StandardCharsets.UTF_8).split("\0")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    private static String hostname() {
        try {
            return Files.readString(PROC.resolve("sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
        }
    }

    private static String shorten(String command) {
        return command.length() > MAX_COMMAND_CHARS ? command.substring(0, MAX_COMMAND_CHARS) + "…" : command;
    }
}
