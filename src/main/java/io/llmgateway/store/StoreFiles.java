package io.llmgateway.store;

import io.llmgateway.files.IoCall;
import io.llmgateway.files.LockTimeoutException;
import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;

/** The file-system steps of the store, creating everything private to the user (directory 0700, files 0600). */
final class StoreFiles {
    private StoreFiles() {}

    /** Identity, size and modification time of a file, enough to notice that another process changed it. */
    record FileStamp(Object key, long size, FileTime modified) {

        /** The stamp of {@code file}, or null when it does not exist. */
        static FileStamp of(Path file) throws IOException {
            try {
                BasicFileAttributes attributes =
                        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new FileStamp(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        boolean sameFile(FileStamp other) {
            return other != null && key != null && key.equals(other.key);
        }
    }

    /**
     * Runs {@code step}, making sure a failure names {@code file}: channel operations throw plain
     * IOExceptions that do not say which file they were about.
     */
    static <T> T on(Path file, IoCall<T> step) throws IOException {
        try {
            return step.call();
        } catch (FileSystemException | LockTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new FileSystemException(
                    file.toString(),
                    null,
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    /**
     * Renames a damaged {@code file} to {@code <name>.corrupt-<timestamp>} (with {@code -1}, {@code -2}, ...
     * when taken), keeping its bytes, and returns the new path.
     */
    static Path moveAside(Path file, String timestamp) throws IOException {
        Path target = freeSibling(file, ".corrupt-" + timestamp);
        Files.move(file, target);
        syncDirectory(file.getParent());
        return target;
    }

    /**
     * Keeps {@code content} (the bytes read from {@code file}) in {@code <name>.original-<timestamp>} (with
     * {@code -1}, {@code -2}, ... when taken), written 0600 and durably, never through a link, and returns its path.
     */
    static Path keepCopy(Path file, String timestamp, byte[] content) throws IOException {
        Path target = freeSibling(file, ".original-" + timestamp);
        PrivateFiles.replaceAtomically(target, content);
        return target;
    }

    /** {@code <name><suffix>}, or with {@code -1}, {@code -2}, ... appended when something (even a link) is there. */
    private static Path freeSibling(Path file, String suffix) {
        String base = file.getFileName() + suffix;
        Path target = file.resolveSibling(base);
        for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
            target = file.resolveSibling(base + "-" + n);
        }
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

    /** Makes a rename in {@code directory} durable; a failure names the directory. */
    static void syncDirectory(Path directory) throws IOException {
        on(directory, () -> {
            PrivateFiles.syncDirectory(directory);
            return null;
        });
    }
}
