package io.llmgateway.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * File steps shared by everything the gateway writes in its data directory: directories 0700, files
 * 0600, and replacements that leave either the old or the new content after a crash.
 */
public final class PrivateFiles {
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private PrivateFiles() {
    }

    /** Writes a file's whole content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Creates {@code directory} and missing parents with mode 0700; nothing if it exists. */
    public static void createDirectories(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PRIVATE_DIRECTORY);
        }
    }

    /** Opens {@code file}, creating it with mode 0600 when {@code CREATE} is among the options. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), PRIVATE_FILE);
    }

    /** Gives a file another program created (e.g. the JVM writing an archive) mode 0600. */
    public static void restrictToOwner(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** Creates an empty file with mode 0600 (truncating an existing one). */
    public static void createEmptyFile(Path file) throws IOException {
        try (FileChannel ignored = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            // created
        }
    }

    /** Durable replacement: temporary file, fsync, rename over the target, fsync the directory. */
    public static void replaceAtomically(Path target, Content content) throws IOException {
        replace(target, content, true);
    }

    public static void replaceAtomically(Path target, byte[] content) throws IOException {
        replace(target, out -> out.write(content), true);
    }

    /**
     * Replaces {@code target} so readers see the old or the new content, without forcing it to the disk:
     * for files that only matter while the machine stays up.
     */
    public static void replaceVisibly(Path target, byte[] content) throws IOException {
        replace(target, out -> out.write(content), false);
    }

    private static void replace(Path target, Content content, boolean durable) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();
            if (durable) {
                channel.force(true);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        if (durable) {
            syncDirectory(target.getParent());
        }
    }

    /** Makes a rename in {@code directory} durable. */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
