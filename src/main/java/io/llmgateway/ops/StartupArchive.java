package io.llmgateway.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Json;
import io.llmgateway.exec.ProcessExecutor;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.RunLimits;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The class-data-sharing archive for one (jar, Java runtime) pair, kept under
 * {@code <data dir>/startup-archive/}. Its file name depends only on the jar's path and the Java
 * home, so the flags written into a host's config stay valid; a stamp next to it records the jar
 * fingerprint and JVM version it was trained on. An archive whose stamp does not match is stale: the
 * JVM ignores it by itself when size or time differ, and {@link #refresh} replaces it.
 *
 * <p>Refreshes hold the {@link FileMutex} of {@code refresh.lock}, so concurrent gateways and {@code setup}
 * train once; the archive and its stamp are replaced by atomic renames, so a JVM starting meanwhile
 * maps either the old or the new file.
 */
public final class StartupArchive {
    public static final String DIRECTORY = "startup-archive";
    static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(30);
    /** {@code java --version} and the JVM's complaint about an archive fit many times over. */
    private static final long VERIFY_MAX_OUTPUT_BYTES = 64 * 1024;
    /** A refresh waits for another process's to end: that one trains for at most the training timeout. */
    private static final Duration REFRESH_PATIENCE = TRAINING_TIMEOUT.plusSeconds(30);

    private static final ObjectMapper MAPPER = Json.newMapper();

    private final Path directory;
    private final Path java;
    private final Path jar;
    private final Clock clock;
    private final FileMutex refreshLock;

    public StartupArchive(Path dataDir, Path java, Path jar, Clock clock) {
        this.directory = dataDir.resolve(DIRECTORY);
        this.java = java;
        this.jar = jar.toAbsolutePath().normalize();
        this.clock = clock;
        this.refreshLock = new FileMutex(directory.resolve("refresh.lock"), REFRESH_PATIENCE);
    }

    /**
     * The archive a host's JVM maps: {@code gateway-<hash of jar path and Java home>}, {@code .aot} (an AOT
     * cache) on JDK 25+, else {@code .jsa} (a dynamic CDS archive). This process's Java is the host's.
     */
    public Path file() {
        return directory.resolve(baseName() + extension());
    }

    private static String extension() {
        return GatewayLaunch.aotCacheSupported() ? ".aot" : ".jsa";
    }

    Path stampFile() {
        return directory.resolve(baseName() + ".json");
    }

    private String baseName() {
        return "gateway-" + JarFingerprint.sha256(jar + "\n" + javaHome()).substring(0, 12);
    }

    /** The launch a host should use: this Java, the jar, and this archive. */
    public GatewayLaunch launch() {
        return new GatewayLaunch(java, jar, Optional.of(file()));
    }

    public ArchiveStatus status() {
        if (!Files.isRegularFile(file(), LinkOption.NOFOLLOW_LINKS)) {
            return ArchiveStatus.missing(file()); // a link there is replaced by the next refresh, never followed
        }
        Optional<ArchiveStamp> stamp = readStamp();
        if (stamp.isEmpty()) {
            return ArchiveStatus.stale(file(), "there is no readable record of what it was made from");
        }
        ArchiveStamp recorded = stamp.get();
        if (!recorded.javaHome().equals(javaHome()) || !recorded.javaVersion().equals(javaVersion())) {
            return ArchiveStatus.stale(
                    file(), "it was made for Java " + recorded.javaVersion() + " at " + recorded.javaHome());
        }
        try {
            if (!recorded.jar().equals(JarFingerprint.of(jar))) {
                return ArchiveStatus.stale(file(), "the jar changed after it was made");
            }
        } catch (IOException e) {
            return ArchiveStatus.stale(
                    file(), "the jar cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return ArchiveStatus.fresh(file(), recorded);
    }

    /**
     * Starts the JVM with the archive required ({@code -Xshare:on}), which fails when the JVM would not
     * map it. Empty when it maps; otherwise the JVM's complaint.
     */
    public Optional<String> verify() {
        List<String> command = new ArrayList<>(launch().commandRequiringArchive());
        command.add("--version");
        ProcessOutcome outcome;
        try {
            // The JVM a host would start, with this process's environment.
            outcome = ProcessExecutor.command(command)
                    .environment(System.getenv())
                    .limits(new RunLimits(VERIFY_TIMEOUT, VERIFY_TIMEOUT, VERIFY_MAX_OUTPUT_BYTES, Duration.ZERO))
                    .execute();
        } catch (IOException | GatewayException e) {
            return Optional.of("could not start " + java + " (" + e.getMessage() + ")");
        }
        return switch (outcome.termination()) {
            case EXITED ->
                outcome.exitCode() == 0
                        ? Optional.empty()
                        : Optional.of((outcome.stdout() + "\n" + outcome.stderr())
                                .lines()
                                .map(String::strip)
                                .filter(line -> !line.isEmpty())
                                .reduce((first, second) -> first + " " + second)
                                .orElse("exit " + outcome.exitCode()));
            case CANCELLED -> Optional.of("interrupted");
            default -> Optional.of("the check did not finish within " + VERIFY_TIMEOUT.toSeconds() + " s");
        };
    }

    /**
     * Trains a new archive unless the current one is fresh, waiting for a refresh another process is
     * running. Blocks for the length of a training session (a few seconds).
     */
    public ArchiveStatus refresh() throws IOException {
        try {
            return refreshLock.locked(this::trainUnlessFresh);
        } finally {
            refreshLock.close(); // not kept open between refreshes: an archive object is never closed
        }
    }

    /** Like {@link #refresh()}, but returns empty at once when another refresh holds the lock. */
    public Optional<ArchiveStatus> refreshUnlessBusy() throws IOException {
        try {
            return refreshLock.lockedIfFree(this::trainUnlessFresh);
        } finally {
            refreshLock.close();
        }
    }

    private ArchiveStatus trainUnlessFresh() throws IOException {
        ArchiveStatus current = status();
        return current.fresh() ? current : train();
    }

    /** Runs under the refresh lock, so any temporary file present is a leftover of an interrupted run. */
    private ArchiveStatus train() throws IOException {
        deleteLeftovers();
        JarFingerprint before = JarFingerprint.of(jar);
        Path scratch =
                directory.resolve("training.tmp-" + ProcessHandle.current().pid());
        PrivateFiles.createDirectories(scratch);
        // The training JVM opens the dump itself, following links: so it goes into a directory just made.
        Path dump = scratch.resolve(baseName() + extension());
        long started = System.nanoTime();
        try {
            ArchiveTrainer.train(
                    new GatewayLaunch(java, jar, Optional.empty()),
                    dump,
                    GatewayLaunch.aotCacheSupported(),
                    scratch,
                    TRAINING_TIMEOUT);
            if (!before.equals(JarFingerprint.of(jar))) {
                throw new IOException("the jar changed while the start-up archive was being made; run setup again");
            }
            PrivateFiles.restrictToOwner(dump);
            ArchiveStamp stamp = new ArchiveStamp(
                    before,
                    javaHome(),
                    javaVersion(),
                    clock.instant().toString(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            // Archive first, stamp second: a crash in between leaves a stale-looking pair, never a trusted stale one.
            Files.move(dump, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            PrivateFiles.syncDirectory(directory);
            PrivateFiles.replaceAtomically(stampFile(), MAPPER.writeValueAsBytes(stamp));
            return ArchiveStatus.fresh(file(), stamp);
        } finally {
            PrivateFiles.deleteTree(scratch);
        }
    }

    private void deleteLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = PrivateFiles.newDirectoryStream(directory, "*.tmp-*")) {
            for (Path entry : entries) {
                PrivateFiles.deleteTree(entry);
            }
        }
    }

    private Optional<ArchiveStamp> readStamp() {
        try {
            return Optional.of(MAPPER.readValue(PrivateFiles.readAllBytes(stampFile()), ArchiveStamp.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String javaHome() {
        return System.getProperty("java.home");
    }

    private static String javaVersion() {
        return System.getProperty("java.vm.version");
    }

    /** What an archive was made from; stored as JSON next to it. */
    public record ArchiveStamp(
            JarFingerprint jar, String javaHome, String javaVersion, String createdAt, long trainingMillis) {}

    /** Whether the archive can be trusted, and why not. */
    public record ArchiveStatus(State state, Path file, String detail, Optional<ArchiveStamp> stamp) {
        public enum State {
            FRESH,
            MISSING,
            STALE
        }

        static ArchiveStatus fresh(Path file, ArchiveStamp stamp) {
            return new ArchiveStatus(
                    State.FRESH, file, "made " + stamp.createdAt() + " for this jar and Java", Optional.of(stamp));
        }

        static ArchiveStatus missing(Path file) {
            return new ArchiveStatus(State.MISSING, file, "not made yet", Optional.empty());
        }

        static ArchiveStatus stale(Path file, String why) {
            return new ArchiveStatus(State.STALE, file, "stale: " + why, Optional.empty());
        }

        public boolean fresh() {
            return state == State.FRESH;
        }
    }
}
