package io.llmgateway.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/** The file-system steps of the store, creating everything private to the user (directory 0700, files 0600). */
final class StoreFiles {
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private StoreFiles() {
    }

    /** Identity, size and modification time of a file, enough to notice that another process changed it. */
    record FileStamp(Object key, long size, FileTime modified) {

        /** The stamp of {@code file}, or null when it does not exist. */
        static FileStamp of(Path file) throws IOException {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        boolean sameFile(FileStamp other) {
            return other != null && key != null && key.equals(other.key);
        }
    }

    /** An I/O step on one file. */
    interface FileStep<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code step}, making sure a failure names {@code file}: channel operations throw plain
     * IOExceptions that do not say which file they were about.
     */
    static <T> T on(Path file, FileStep<T> step) throws IOException {
        try {
            return step.run();
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            throw new FileSystemException(file.toString(), null,
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    /** Writes a file's whole content. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    static void createPrivateDirectories(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PRIVATE_DIRECTORY);
        }
    }

    /** Opens {@code file}, creating it with mode 0600 when {@code CREATE} is among the options. */
    static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), PRIVATE_FILE);
    }

    /**
     * Replaces {@code target} so that a crash leaves either the old or the new content: write a
     * temporary file, fsync it, rename it over the target, fsync the directory.
     */
    static void replaceAtomically(Path target, Content content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            on(temp, () -> {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true);
                return null;
            });
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.getParent());
    }

    /**
     * Renames a damaged {@code file} to {@code <name>.corrupt-<timestamp>} (with {@code -1}, {@code -2}, ...
     * when taken), keeping its bytes, and returns the new path.
     */
    static Path moveAside(Path file, String timestamp) throws IOException {
        String base = file.getFileName() + ".corrupt-" + timestamp;
        Path target = file.resolveSibling(base);
        for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
            target = file.resolveSibling(base + "-" + n);
        }
        Files.move(file, target);
        syncDirectory(file.getParent());
        return target;
    }

    /** Reads up to {@code length} bytes from {@code position}; fewer if the file ends first. */
    static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                return Arrays.copyOf(buffer.array(), buffer.position());
            }
        }
        return buffer.array();
    }

    /** Writes all of {@code bytes} at {@code position}: one write call unless the kernel writes short. */
    static void write(FileChannel channel, long position, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }

    /** Makes a rename in {@code directory} durable. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            on(directory, () -> {
                channel.force(true);
                return null;
            });
        }
    }
}
