package io.llmgateway.exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the file to execute the way the child would, but before spawning: a bare name is searched on
 * the PATH of the child's environment (ProcessBuilder would search the JVM's), a path is taken as is,
 * relative paths against the child's working directory.
 */
public final class ExecutableResolver {
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private ExecutableResolver() {}

    /**
     * The file {@code command} names for a child with {@code environment} running in {@code workingDir}.
     *
     * @throws ExecutableNotFoundException when there is none (the message says where it looked)
     */
    public static Path resolve(String command, Map<String, String> environment, Path workingDir) {
        if (command.indexOf('/') >= 0 || command.indexOf(File.separatorChar) >= 0) {
            return resolvePath(command, workingDir);
        }
        String searchPath = variable(environment, "PATH");
        if (searchPath == null || searchPath.isBlank()) {
            throw new ExecutableNotFoundException(
                    command, "'" + command + "' cannot be found because PATH is not set in the CLI's environment.");
        }
        for (String entry : searchPath.split(File.pathSeparator)) {
            Path dir = absoluteDirectory(entry);
            if (dir == null) {
                continue;
            }
            for (String name : candidateNames(command, environment)) {
                Path candidate = dir.resolve(name);
                if (isExecutableFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new ExecutableNotFoundException(
                command, "'" + command + "' was not found on the PATH of the CLI's environment.");
    }

    private static Path resolvePath(String command, Path workingDir) {
        Path path;
        try {
            path = workingDir.resolve(command).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new ExecutableNotFoundException(command, "'" + command + "' is not a valid path.");
        }
        if (!Files.exists(path)) {
            throw new ExecutableNotFoundException(command, "'" + path + "' does not exist.");
        }
        if (!isExecutableFile(path)) {
            throw new ExecutableNotFoundException(command, "'" + path + "' is not an executable file.");
        }
        return path;
    }

    /** Empty and relative PATH entries are skipped: they would make resolution depend on the working directory. */
    private static Path absoluteDirectory(String entry) {
        if (entry.isEmpty()) {
            return null;
        }
        try {
            Path dir = Path.of(entry);
            return dir.isAbsolute() ? dir : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** Windows variable names are case-insensitive ("Path"); elsewhere they are exact. */
    private static String variable(Map<String, String> environment, String name) {
        if (!WINDOWS) {
            return environment.get(name);
        }
        return environment.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private static List<String> candidateNames(String command, Map<String, String> environment) {
        List<String> names = new ArrayList<>();
        names.add(command);
        if (WINDOWS) {
            String extensions = variable(environment, "PATHEXT");
            for (String extension : (extensions == null ? ".COM;.EXE;.BAT;.CMD" : extensions).split(";")) {
                if (!extension.isBlank()) {
                    names.add(command + extension.toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
