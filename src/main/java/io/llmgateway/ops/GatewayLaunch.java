package io.llmgateway.ops;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How an agent host starts the gateway: a Java executable, JVM flags and {@code -jar <jar>}. The flags
 * are tuned for a short-lived, I/O-bound stdio server that must answer {@code initialize} quickly.
 *
 * @param archive the class-data-sharing archive to map at start-up, if any
 */
public record GatewayLaunch(Path java, Path jar, Optional<Path> archive) {

    /**
     * C1 only: the gateway waits on child processes, so peak compiled speed matters less than
     * compiling the start-up path fast. The serial collector has the smallest footprint and no GC
     * threads. The heap is capped so that several host windows' gateways stay small. JVM log output
     * goes to stderr: by default its warnings (e.g. an unusable archive) go to stdout, which carries
     * JSON-RPC only. {@code -Xlog:disable} must come first: it turns off the default stdout output.
     */
    public static final List<String> FAST_START_FLAGS = List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xms16m",
            "-Xmx1g",
            "-Xlog:disable",
            "-Xlog:all=warning:stderr");

    /** The flags and arguments after the Java executable, as a host config lists them. */
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        archive.ifPresent(file -> {
            args.add("-XX:SharedArchiveFile=" + file);
            // Use the archive when it matches the jar and the JVM; otherwise start without it.
            args.add("-Xshare:auto");
        });
        args.addAll(FAST_START_FLAGS);
        args.add("-jar");
        args.add(jar.toString());
        return args;
    }

    /** The same launch, but dumping the classes it loads into {@code dumpTo} when it exits. */
    List<String> trainingArguments(Path dumpTo) {
        List<String> args = new ArrayList<>();
        args.add("-XX:ArchiveClassesAtExit=" + dumpTo);
        args.addAll(FAST_START_FLAGS);
        args.add("-jar");
        args.add(jar.toString());
        return args;
    }

    /** The whole command line: the executable followed by {@link #arguments()}. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(arguments());
        return command;
    }

    /** The Java executable running this process (hosts must launch the same one the archive was made with). */
    public static Path currentJava() {
        boolean windows =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java")
                .toAbsolutePath();
    }

    /** The jar this process runs from; empty when it runs from a class directory (tests, IDEs). */
    public static Optional<Path> runningJar() {
        CodeSource source = GatewayLaunch.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            Path location =
                    Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            return Files.isRegularFile(location) ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
