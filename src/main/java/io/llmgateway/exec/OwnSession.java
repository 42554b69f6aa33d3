package io.llmgateway.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The command prefix that starts a process in a session of its own: {@code setsid(1)} when installed,
 * nothing otherwise. Such a process outlives its parent and no signal to the parent's process group
 * (Ctrl-C, a host killing the group) reaches it. A child of a JVM is never a process-group leader, so
 * setsid execs the command in place: the pid stays the one the JVM spawned.
 */
public final class OwnSession {
    private static final List<String> PREFIX = find();

    private OwnSession() {}

    /** {@code ["/usr/bin/setsid"]} (or {@code /bin/setsid}), or empty when neither is installed. */
    public static List<String> prefix() {
        return PREFIX;
    }

    private static List<String> find() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return List.of(candidate);
            }
        }
        return List.of();
    }
}
