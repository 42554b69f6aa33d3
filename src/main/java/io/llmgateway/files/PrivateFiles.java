package io.llmgateway.files;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
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
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to reach a file in the data directory: directories 0700, files 0600, replacements that leave
 * either the old or the new content after a crash, and nothing ever reached through a symbolic link.
 *
 * <p>Links: a link planted in the data directory (by a CLI the gateway ran, say) must not make the gateway
 * write, read or create anything elsewhere. The last component of a path is opened with {@code O_NOFOLLOW}
 * (new temporary files with {@code O_EXCL} as well), and every directory above it is checked first; a link
 * is refused with a {@link LinkedPathException} naming it. Renames need no check: a rename replaces a link,
 * it never writes through one. The only links accepted above the file are those in a directory this user
 * cannot write, i.e. the system's own layout ({@code /bin -> usr/bin}, macOS's {@code /tmp -> private/tmp}):
 * nothing running as this user can have planted them. So the data directory is given by a path whose
 * parent is real ({@link #withRealParent}).
 *
 * <p>Limit: Java opens files by path (there is no {@code openat}), so the directories are checked just
 * before the file is opened; a process swapping a directory for a link in that instant is not stopped.
 */
public final class PrivateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    private static final Path OPEN_DESCRIPTORS = Path.of("/proc/self/fd");
    private static final Path DESCRIPTOR_INFO = Path.of("/proc/self/fdinfo");

    private PrivateFiles() {}

    /** Writes a file's whole content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Creates {@code directory} and missing parents with mode 0700; nothing if it exists. */
    public static void createDirectories(Path directory) throws IOException {
        refuseLinks(directory);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory, PRIVATE_DIRECTORY);
        }
    }

    /**
     * Opens {@code file} without following links, creating it with mode 0600 when {@code CREATE} or
     * {@code CREATE_NEW} is among the options. Anything but a regular file there (a link, a FIFO that would
     * block the open, a device) is refused.
     */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> opening = new HashSet<>(Arrays.asList(options));
        opening.add(LinkOption.NOFOLLOW_LINKS);
        refuseLinksAbove(file);
        if (!opening.contains(StandardOpenOption.CREATE_NEW)) {
            requireRegularIfPresent(file);
        }
        try {
            return FileChannel.open(file, opening, PRIVATE_FILE);
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(file)) {
                throw new LinkedPathException(file); // planted since the check; O_NOFOLLOW refused it
            }
            throw e;
        }
    }

    /** The whole content of a file, read without following links. */
    public static byte[] readAllBytes(Path file) throws IOException {
        try (FileChannel channel = open(file, StandardOpenOption.READ)) {
            return Channels.newInputStream(channel).readAllBytes();
        }
    }

    public static String readString(Path file) throws IOException {
        return new String(readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** The attributes of a regular file; a link (there or above) or any other kind of file is refused. */
    public static BasicFileAttributes regularFileAttributes(Path file) throws IOException {
        refuseLinksAbove(file);
        BasicFileAttributes attributes =
                Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        requireRegular(file, attributes);
        return attributes;
    }

    /** The entries of a directory of the data directory, which must not be reached through a link. */
    public static DirectoryStream<Path> newDirectoryStream(Path directory, String glob) throws IOException {
        refuseLinks(directory);
        return Files.newDirectoryStream(directory, glob);
    }

    /** Gives a file another program created (e.g. the JVM writing an archive) mode 0600. */
    public static void restrictToOwner(Path file) throws IOException {
        refuseLinksAbove(file);
        requireRegularIfPresent(file);
        try {
            // Without following links: the JDK then changes the mode through an O_NOFOLLOW descriptor.
            Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(OWNER_ONLY);
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(file)) {
                throw new LinkedPathException(file);
            }
            throw e;
        }
    }

    /** Creates an empty file with mode 0600 (truncating an existing one). */
    public static void createEmptyFile(Path file) throws IOException {
        try (FileChannel ignored =
                open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
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

    /**
     * The temporary file is {@code <target>.tmp}, written only by whoever may replace the target (under its
     * lock, or its only writer), so one found there is a leftover of a write cut short, or something planted.
     */
    private static void replace(Path target, Content content, boolean durable) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        FileChannel channel = createTemporary(temp);
        try (channel) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();
            if (durable) {
                channel.force(true);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp); // the file just created, in a directory just checked
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        if (durable) {
            syncDirectory(target.getParent());
        }
    }

    private static FileChannel createTemporary(Path temp) throws IOException {
        try {
            return open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException | LinkedPathException e) {
            if (e instanceof LinkedPathException linked && !linked.link().equals(temp)) {
                throw e; // a directory above it is a link: nothing there may be touched
            }
            if (Files.isSymbolicLink(temp)) {
                LOG.warn("Removed {}", new LinkedPathException(temp).getMessage());
            }
            Files.deleteIfExists(temp); // unlinking removes a link itself, never its target
            return open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** Removes a file, a link (itself, never what it points to) or an empty directory, if there is one. */
    public static void deleteIfExists(Path path) throws IOException {
        refuseLinksAbove(path);
        Files.deleteIfExists(path);
    }

    /**
     * Removes {@code path} and, when it is a directory, everything in it. Links met on the way are removed
     * themselves: the walk never follows one, nor a link above {@code path}.
     */
    public static void deleteTree(Path path) throws IOException {
        refuseLinksAbove(path);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path entry : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(entry);
            }
        }
    }

    /** Makes a rename in {@code directory} durable. */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            channel.force(true);
        }
    }

    /**
     * {@code path} with its parent resolved to its real path (as far as it exists), its own last component
     * kept as it is: how the data directory is given to everything here, so that a link the user made above
     * it is followed once, at start-up, while the data directory itself being a link is still refused.
     */
    public static Path withRealParent(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            return absolute;
        }
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute; // the check on first use reports what is wrong with it
        }
    }

    /**
     * A data-directory file a child process gets as its stdin, stdout or stderr. ProcessBuilder opens a
     * redirect by path, following links, so the file is opened here (without following links) and the
     * redirect names that descriptor, {@code /proc/self/fd/<n>}: reopening it reaches the very file opened
     * here, whatever its path points to by then. Close it once the child has started. Without /proc (macOS)
     * the redirect names the path, checked an instant before.
     */
    public static final class ChildStream implements Closeable {
        private final FileChannel channel;
        private final ProcessBuilder.Redirect redirect;

        private ChildStream(FileChannel channel, ProcessBuilder.Redirect redirect) {
            this.channel = channel;
            this.redirect = redirect;
        }

        public ProcessBuilder.Redirect redirect() {
            return redirect;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** {@code file} (which must exist) as a child's stdin. */
    public static ChildStream forChildInput(Path file) throws IOException {
        FileChannel channel = open(file, StandardOpenOption.READ);
        return childStream(channel, file, path -> ProcessBuilder.Redirect.from(path.toFile()));
    }

    /** {@code file} (created 0600 when missing) as a child's stdout or stderr, appended to or truncated. */
    public static ChildStream forChildOutput(Path file, boolean append) throws IOException {
        FileChannel channel = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return childStream(
                channel,
                file,
                path -> append
                        ? ProcessBuilder.Redirect.appendTo(path.toFile())
                        : ProcessBuilder.Redirect.to(path.toFile()));
    }

    private interface RedirectTo {
        ProcessBuilder.Redirect of(Path path);
    }

    private static ChildStream childStream(FileChannel channel, Path file, RedirectTo redirect) throws IOException {
        try {
            return new ChildStream(channel, redirect.of(descriptorPath(channel, file)));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * {@code /proc/self/fd/<n>} of {@code channel}. Java does not tell a channel's descriptor number, so the
     * channel is moved to a random offset and the descriptor is the one /proc/self/fdinfo shows there.
     */
    private static Path descriptorPath(FileChannel channel, Path file) throws IOException {
        if (!Files.isDirectory(DESCRIPTOR_INFO)) {
            return file;
        }
        // Below every file system's size limit (lseek refuses offsets past it), far above any real file.
        long mark = ThreadLocalRandom.current().nextLong(1L << 32, 1L << 40);
        String position = "pos:\t" + mark + "\n";
        String name = "/" + file.getFileName();
        channel.position(mark);
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(OPEN_DESCRIPTORS)) {
            for (Path descriptor : descriptors) {
                try {
                    if (Files.readSymbolicLink(descriptor).toString().endsWith(name)
                            && Files.readString(DESCRIPTOR_INFO.resolve(
                                            descriptor.getFileName().toString()))
                                    .startsWith(position)) {
                        return descriptor;
                    }
                } catch (IOException e) {
                    // closed meanwhile by another thread: not ours
                }
            }
        } finally {
            channel.position(0);
        }
        throw new IOException("cannot find the open descriptor of " + file + " in " + OPEN_DESCRIPTORS);
    }

    /** Refuses {@code path} when it, or a directory above it, is a link this user could have made. */
    private static void refuseLinks(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        Path current = absolute.getRoot();
        for (Path name : absolute) {
            current = current.resolve(name);
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return; // nothing below exists yet
            }
            if (attributes.isSymbolicLink() && Files.isWritable(current.getParent())) {
                throw new LinkedPathException(current);
            }
        }
    }

    private static void refuseLinksAbove(Path file) throws IOException {
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent != null) {
            refuseLinks(parent);
        }
    }

    private static void requireRegularIfPresent(Path file) throws IOException {
        try {
            requireRegular(file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            // created by the open, or reported by it
        }
    }

    private static void requireRegular(Path file, BasicFileAttributes attributes) throws IOException {
        if (attributes.isSymbolicLink()) {
            throw new LinkedPathException(file);
        }
        if (!attributes.isRegularFile()) {
            throw new FileSystemException(
                    file.toString(),
                    null,
                    "is not a regular file; the gateway only keeps" + " regular files here: move it away");
        }
    }
}
