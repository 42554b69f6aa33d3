package io.llmgateway.ops;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** File steps with the data directory's rules: directories 0700, files 0600, replacements atomic. */
final class PrivateFiles {
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    static void createDirectories(Path directory) throws IOException {
        if (POSIX) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        } else {
            Files.createDirectories(directory);
        }
    }

    static FileChannel openForWriting(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return POSIX ? FileChannel.open(file, options, asAttribute(FILE_MODE)) : FileChannel.open(file, options);
    }

    static void restrictToOwner(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, FILE_MODE);
        }
    }

    /**
     * Replaces {@code target} with {@code bytes} so that a crash leaves the old or the new content:
     * temporary file, fsync, rename, fsync of the directory.
     */
    static void replaceAtomically(Path target, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path temp = directory.resolve(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try (FileChannel channel = POSIX
                ? FileChannel.open(temp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING), asAttribute(mode))
                : FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        if (POSIX) {
            // The umask may have narrowed the mode given at creation; an existing file keeps its old one.
            Files.setPosixFilePermissions(temp, mode);
        }
        moveAtomically(temp, target);
    }

    /** Renames {@code source} over {@code target} and makes the rename durable. */
    static void moveAtomically(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open or fsync a directory; the rename itself has happened.
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> asAttribute(Set<PosixFilePermission> mode) {
        return PosixFilePermissions.asFileAttribute(mode);
    }
}
