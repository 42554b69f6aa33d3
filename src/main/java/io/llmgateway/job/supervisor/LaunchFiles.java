package io.llmgateway.job.supervisor;

import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the supervisor needs to start a job's CLI, kept in {@code jobs/<jobId>/launch/} from submission
 * until the CLI runs: the argv, the environment (for a queued job, whichever gateway starts it), the
 * stdin text and the settings. Lists are NUL-separated: no value the gateway accepts can contain NUL.
 * Read by the supervisor process too, so reading needs nothing but the JDK.
 */
public final class LaunchFiles {
    private LaunchFiles() {}

    /** Writes every launch file (mode 0600) of {@code spec}, whose executable is already resolved. */
    public static void write(JobFiles files, ProcessSpec spec) throws IOException {
        PrivateFiles.createDirectories(files.launchDir());
        writeList(files.launchCommand(), spec.command());
        List<String> env = new ArrayList<>();
        spec.environment().forEach((name, value) -> env.add(name + "=" + value));
        writeList(files.launchEnvironment(), env);
        if (spec.stdin() != null) {
            PrivateFiles.replaceVisibly(files.launchStdin(), spec.stdin().getBytes(StandardCharsets.UTF_8));
        }
        List<String> settings = new ArrayList<>();
        settings.add("workingDir=" + spec.workingDir());
        settings.addAll(limitEntries(RunLimits.of(spec)));
        writeList(files.launchSettings(), settings);
    }

    /** Records the limits of a run that some other process may have to watch (a deferred request). */
    public static void writeLimits(JobFiles files, RunLimits limits) throws IOException {
        writeList(files.limits(), limitEntries(limits));
    }

    /** The limits {@link #writeLimits} recorded; empty when there are none (or they are unreadable). */
    public static Optional<RunLimits> readLimits(JobFiles files) throws IOException {
        try {
            return Optional.of(limits(readMap(files.limits())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<String> limitEntries(RunLimits limits) {
        return List.of(
                "wallTimeoutMs=" + limits.wallTimeout().toMillis(),
                "idleTimeoutMs=" + limits.idleTimeout().toMillis(),
                "maxOutputBytes=" + limits.maxOutputBytes(),
                "killGraceMs=" + limits.killGrace().toMillis());
    }

    private static RunLimits limits(Map<String, String> settings) throws IOException {
        try {
            return new RunLimits(
                    Duration.ofMillis(Long.parseLong(settings.get("wallTimeoutMs"))),
                    Duration.ofMillis(Long.parseLong(settings.get("idleTimeoutMs"))),
                    Long.parseLong(settings.get("maxOutputBytes")),
                    Duration.ofMillis(Long.parseLong(settings.get("killGraceMs"))));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("malformed run limits");
        }
    }

    private static Map<String, String> readMap(Path file) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : readList(file)) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                map.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return map;
    }

    /** The environment a gateway starts the supervisor with; the file is deleted once read. */
    public static Map<String, String> takeEnvironment(JobFiles files) throws IOException {
        Map<String, String> env = readMap(files.launchEnvironment());
        PrivateFiles.deleteIfExists(files.launchEnvironment());
        return env;
    }

    /** What the supervisor reads: command, settings and the path of the stdin file (null when absent). */
    record Settings(List<String> command, Path workingDir, Path stdinFile, RunLimits limits) {}

    public static Settings readSettings(JobFiles files) throws IOException {
        Map<String, String> settings = readMap(files.launchSettings());
        List<String> command = readList(files.launchCommand());
        if (command.isEmpty() || !settings.containsKey("workingDir")) {
            throw new IOException("incomplete launch files in " + files.launchDir());
        }
        // Whatever is there is the CLI's stdin: opening it refuses anything but a regular file.
        Path stdin = Files.exists(files.launchStdin(), LinkOption.NOFOLLOW_LINKS) ? files.launchStdin() : null;
        try {
            return new Settings(command, Path.of(settings.get("workingDir")), stdin, limits(settings));
        } catch (IOException e) {
            throw new IOException("malformed launch settings in " + files.launchDir());
        }
    }

    /** Removes the launch directory (the prompt and environment must not outlive the start). */
    public static void delete(JobFiles files) throws IOException {
        PrivateFiles.deleteTree(files.launchDir());
    }

    private static void writeList(Path file, List<String> values) throws IOException {
        PrivateFiles.replaceVisibly(file, String.join("\0", values).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> readList(Path file) throws IOException {
        String content;
        try {
            content = PrivateFiles.readString(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return content.isEmpty() ? List.of() : List.of(content.split("\0", -1));
    }
}
