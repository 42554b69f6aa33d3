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
 * @param archive the start-up archive to map, if any: an AOT cache ({@code .aot}, JDK 25+: classes loaded
 *                and linked, plus method profiles) or else a dynamic class-data-sharing archive ({@code .jsa})
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
            if (isAotCache(file)) {
                // Used when it matches the jar, the JVM and these flags; otherwise the JVM starts without it.
                args.add("-XX:AOTCache=" + file);
            } else {
                args.add("-XX:SharedArchiveFile=" + file);
                // Use the archive when it matches the jar and the JVM; otherwise start without it.
                args.add("-Xshare:auto");
            }
        });
        args.addAll(FAST_START_FLAGS);
        args.add("-jar");
        args.add(jar.toString());
        return args;
    }

    /**
     * The same launch, but writing what it loads into {@code dumpTo} when it exits: with {@code aotCache}
     * an AOT cache (JEP 514's one-step training; the JVM then assembles the cache in a second process),
     * otherwise a dynamic CDS archive.
     */
    List<String> trainingArguments(Path dumpTo, boolean aotCache) {
        List<String> args = new ArrayList<>();
        args.add((aotCache ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + dumpTo);
        args.addAll(FAST_START_FLAGS);
        args.add("-jar");
        args.add(jar.toString());
        return args;
    }

    /** The flag that maps the archive, as {@link #arguments()} lists it first; empty without one. */
    public Optional<String> archiveFlag() {
        return archive.map(file -> arguments().get(0));
    }

    /** The same launch with the archive required: the JVM refuses to start when it cannot map it. */
    List<String> commandRequiringArchive() {
        List<String> command = new ArrayList<>(command());
        command.replaceAll(arg -> arg.equals("-Xshare:auto") ? "-Xshare:on" : arg);
        if (archive.filter(GatewayLaunch::isAotCache).isPresent()) {
            command.add(1, "-XX:AOTMode=on");
        }
        return command;
    }

    /** JDK 25 makes AOT caches in one training run (JEP 514) and stores method profiles in them (JEP 515). */
    public static boolean aotCacheSupported() {
        return Runtime.version().feature() >= 25;
    }

    private static boolean isAotCache(Path file) {
        return file.getFileName().toString().endsWith(".aot");
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
