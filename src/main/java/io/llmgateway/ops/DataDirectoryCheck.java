package io.llmgateway.ops;

import io.llmgateway.files.LinkedPathException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whether the data directory can serve the gateway: a directory this user can write, private to them
 * (0700, files 0600), without files the store moved aside as damaged. It creates nothing in the data
 * directory except, when asked to test writing, a probe file it deletes at once.
 */
public final class DataDirectoryCheck {
    static final String AREA = "data directory";
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = Set.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    /** The store, policy files and their quarantined copies sit at the top; job directories one level down. */
    private static final int SCAN_DEPTH = 2;

    private final Path dataDir;
    private final boolean probeWriting;

    /** {@code probeWriting}: create and delete a file to prove the directory is writable (doctor does; health reads only). */
    public DataDirectoryCheck(Path dataDir, boolean probeWriting) {
        this.dataDir = dataDir;
        this.probeWriting = probeWriting;
    }

    public List<Check> run() {
        if (!Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of(missing());
        }
        if (Files.isSymbolicLink(dataDir)) {
            return List.of(Check.problem(
                    AREA,
                    new LinkedPathException(dataDir).getMessage(),
                    "point the gateway at the directory itself (LLM_GATEWAY_HOME=<the link's target>), or replace the"
                            + " link with that directory"));
        }
        if (!Files.isDirectory(dataDir)) {
            return List.of(Check.problem(
                    AREA,
                    dataDir + " exists but is not a directory",
                    "move it aside: mv '" + dataDir + "' '" + dataDir + ".old'"));
        }
        List<Check> checks = new ArrayList<>();
        String writeProblem = probeWriting ? writeProblem() : null;
        if (writeProblem != null) {
            checks.add(Check.problem(
                    AREA,
                    dataDir + " is not writable (" + writeProblem + ")",
                    "give it back to your user: chown -R \"$(id -u)\" '" + dataDir + "' && chmod 700 '" + dataDir
                            + "'"));
            return checks;
        }
        checks.addAll(permissionChecks());
        checks.addAll(links());
        checks.addAll(quarantinedFiles());
        if (checks.isEmpty()) {
            checks.add(Check.ok(AREA, dataDir + " (private, writable)"));
        }
        return checks;
    }

    private Check missing() {
        Path parent = dataDir.toAbsolutePath().getParent();
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            return Check.problem(
                    AREA,
                    dataDir + " does not exist and cannot be created under " + existing,
                    "create it yourself: mkdir -p -m 700 '" + dataDir
                            + "', or set LLM_GATEWAY_HOME to a writable directory");
        }
        return Check.info(AREA, dataDir + " does not exist yet; it is created (0700) on first use");
    }

    private String writeProblem() {
        try {
            Path probe = Files.createTempFile(dataDir, ".doctor-", ".tmp");
            Files.delete(probe);
            return null;
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }

    private List<Check> permissionChecks() {
        if (!POSIX) {
            return List.of();
        }
        List<Check> checks = new ArrayList<>();
        try {
            if (!disjoint(Files.getPosixFilePermissions(dataDir), GROUP_OR_OTHER)) {
                checks.add(Check.problem(AREA, dataDir + " is readable by other users", "chmod 700 '" + dataDir + "'"));
            }
            List<Path> open = new ArrayList<>();
            try (Stream<Path> files = Files.walk(dataDir, SCAN_DEPTH)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                            && !disjoint(
                                    Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS), GROUP_OR_OTHER)) {
                        open.add(file);
                    }
                }
            }
            if (!open.isEmpty()) {
                checks.add(Check.problem(
                        AREA,
                        open.size() + " file(s) readable by other users, e.g. " + open.get(0),
                        "chmod -R go-rwx '" + dataDir + "'"));
            }
        } catch (IOException e) {
            checks.add(Check.problem(
                    AREA,
                    "cannot read the permissions in " + dataDir + " ("
                            + e.getClass().getSimpleName() + ")",
                    "chown -R \"$(id -u)\" '" + dataDir + "' && chmod -R go-rwx '" + dataDir + "'"));
        }
        return checks;
    }

    /** Symbolic links planted in the data directory, which the gateway refuses to use. */
    private List<Check> links() {
        List<Path> links = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir, SCAN_DEPTH)) {
            files.filter(Files::isSymbolicLink).forEach(links::add);
        } catch (IOException e) {
            return List.of();
        }
        if (links.isEmpty()) {
            return List.of();
        }
        return List.of(Check.problem(
                AREA,
                links.size() + " symbolic link(s) in the data directory, e.g. " + links.get(0)
                        + "; the gateway never reads or writes through them, so what needs them fails",
                "remove them (this removes the links, not what they point to): find '" + dataDir
                        + "' -type l -delete"));
    }

    /** Files the store renamed to {@code <name>.corrupt-<time>} after finding them damaged. */
    private List<Check> quarantinedFiles() {
        List<Path> quarantined = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir, SCAN_DEPTH)) {
            files.filter(file -> file.getFileName().toString().contains(".corrupt-"))
                    .forEach(quarantined::add);
        } catch (IOException e) {
            return List.of();
        }
        if (quarantined.isEmpty()) {
            return List.of();
        }
        return List.of(Check.problem(
                AREA,
                quarantined.size() + " damaged file(s) were moved aside, e.g. " + quarantined.get(0)
                        + "; what they held is missing from the gateway",
                "look at them (they are JSON), then delete them: find '" + dataDir + "' -name '*.corrupt-*' -delete"));
    }

    private static boolean disjoint(Set<PosixFilePermission> a, Set<PosixFilePermission> b) {
        return a.stream().noneMatch(b::contains);
    }
}
