package io.llmgateway.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way PrivateFiles reaches a file refuses a symbolic link, at the file itself and at a directory above
 * it, and leaves the link's target as it was.
 */
class PrivateFilesTest {
    private static final byte[] PRECIOUS = "precious\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dataDir;

    @TempDir
    Path outside;

    /** A step on a file of the data directory. */
    @FunctionalInterface
    interface Step {
        void on(Path file) throws IOException;
    }

    static Stream<Arguments> steps() {
        return Stream.<Arguments>of(
                Arguments.of("open to read", (Step)
                        file -> PrivateFiles.open(file, StandardOpenOption.READ).close()),
                Arguments.of("open to append", (Step) file -> {
                    try (FileChannel channel = PrivateFiles.open(
                            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                        channel.write(java.nio.ByteBuffer.wrap("written\n".getBytes(StandardCharsets.UTF_8)));
                    }
                }),
                Arguments.of("open to rewrite", (Step) file -> PrivateFiles.open(
                                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                        .truncate(0)
                        .close()),
                Arguments.of("read", (Step) PrivateFiles::readAllBytes),
                Arguments.of("attributes", (Step) PrivateFiles::regularFileAttributes),
                Arguments.of("create empty", (Step) PrivateFiles::createEmptyFile),
                Arguments.of("restrict to owner", (Step) PrivateFiles::restrictToOwner),
                Arguments.of("child input", (Step)
                        file -> PrivateFiles.forChildInput(file).close()),
                Arguments.of("child output", (Step)
                        file -> PrivateFiles.forChildOutput(file, true).close()));
    }

    @BeforeEach
    void openToOthers() throws IOException {
        Files.writeString(outside.resolve("target"), "precious\n");
        Files.setPosixFilePermissions(outside.resolve("target"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void aLinkAtTheFileIsRefusedAndItsTargetUntouched(String name, Step step) throws IOException {
        Path target = outside.resolve("target");
        Path link = dataDir.resolve("file");
        Files.createSymbolicLink(link, target);
        LinkedPathException refused = assertThrows(LinkedPathException.class, () -> step.on(link));
        assertEquals(link, refused.link());
        assertTrue(refused.getMessage().startsWith(link + ": is a symbolic link to " + target), refused.getMessage());
        assertUntouched(target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void aLinkToADirectoryAboveTheFileIsRefused(String name, Step step) throws IOException {
        Path jobs = dataDir.resolve("jobs");
        Files.createSymbolicLink(jobs, outside);
        Path file = jobs.resolve("target");
        LinkedPathException refused = assertThrows(LinkedPathException.class, () -> step.on(file));
        assertEquals(jobs, refused.link());
        assertUntouched(outside.resolve("target"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void aFifoIsRefusedInsteadOfBlocking(String name, Step step) throws Exception {
        Path fifo = dataDir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");
        FileSystemException refused = assertThrows(FileSystemException.class, () -> step.on(fifo));
        assertTrue(refused.getMessage().contains("not a regular file"), refused.getMessage());
    }

    @Test
    void aReplacementRenamesOverALinkAndRemovesALinkPlantedAtItsTemporaryFile() throws IOException {
        Path target = outside.resolve("target");
        Path snapshot = dataDir.resolve("sessions.json");
        Files.createSymbolicLink(snapshot, target);
        Files.createSymbolicLink(dataDir.resolve("sessions.json.tmp"), target);
        PrivateFiles.replaceAtomically(snapshot, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(snapshot));
        assertTrue(Files.isRegularFile(snapshot, LinkOption.NOFOLLOW_LINKS), "the link itself was replaced");
        assertFalse(Files.exists(dataDir.resolve("sessions.json.tmp"), LinkOption.NOFOLLOW_LINKS));
        assertUntouched(target);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot)));
    }

    @Test
    void aLeftoverTemporaryFileIsReplaced() throws IOException {
        Path file = dataDir.resolve("job.json");
        Files.writeString(dataDir.resolve("job.json.tmp"), "half a write");
        PrivateFiles.replaceVisibly(file, "whole".getBytes(StandardCharsets.UTF_8));
        assertEquals("whole", Files.readString(file));
        assertFalse(Files.exists(dataDir.resolve("job.json.tmp")));
    }

    @Test
    void aReplacementInALinkedDirectoryTouchesNothingThere() throws IOException {
        Path jobs = dataDir.resolve("jobs");
        Files.createSymbolicLink(jobs, outside);
        Files.writeString(outside.resolve("job.json.tmp"), "not ours");
        assertThrows(
                LinkedPathException.class,
                () -> PrivateFiles.replaceAtomically(jobs.resolve("job.json"), "x".getBytes(StandardCharsets.UTF_8)));
        assertEquals("not ours", Files.readString(outside.resolve("job.json.tmp")));
        assertFalse(Files.exists(outside.resolve("job.json")));
    }

    @Test
    void directoriesAreNeitherCreatedNorListedThroughALink() throws IOException {
        Path jobs = dataDir.resolve("jobs");
        Files.createSymbolicLink(jobs, outside);
        assertThrows(LinkedPathException.class, () -> PrivateFiles.createDirectories(jobs));
        assertThrows(LinkedPathException.class, () -> PrivateFiles.createDirectories(jobs.resolve("job-1")));
        assertThrows(
                LinkedPathException.class,
                () -> PrivateFiles.newDirectoryStream(jobs, "*").close());
        assertEquals(List.of("target"), names(outside));
    }

    @Test
    void deletingRemovesLinksThemselvesAndNothingBehindThem() throws IOException {
        Path job = dataDir.resolve("job-1");
        Files.createDirectory(job);
        Files.createSymbolicLink(job.resolve("launch"), outside);
        Files.writeString(job.resolve("stdout.log"), "output");
        PrivateFiles.deleteTree(job);
        assertFalse(Files.exists(job, LinkOption.NOFOLLOW_LINKS));
        assertUntouched(outside.resolve("target"));

        Path linkedJob = dataDir.resolve("job-2");
        Files.createSymbolicLink(linkedJob, outside);
        PrivateFiles.deleteTree(linkedJob);
        assertFalse(Files.exists(linkedJob, LinkOption.NOFOLLOW_LINKS));
        assertUntouched(outside.resolve("target"));

        Path jobs = dataDir.resolve("jobs");
        Files.createSymbolicLink(jobs, outside);
        assertThrows(LinkedPathException.class, () -> PrivateFiles.deleteTree(jobs.resolve("target")));
        assertThrows(LinkedPathException.class, () -> PrivateFiles.deleteIfExists(jobs.resolve("target")));
        assertUntouched(outside.resolve("target"));
    }

    @Test
    void aChildWritesToTheFileOpenedEvenWhenItsPathIsSwappedForALink() throws Exception {
        Path log = dataDir.resolve("stdout.log");
        Path target = outside.resolve("target");
        try (PrivateFiles.ChildStream out = PrivateFiles.forChildOutput(log, true)) {
            // The path changes between the check and the start: the child still gets the file opened here.
            Files.move(log, dataDir.resolve("stdout.log.moved"));
            Files.createSymbolicLink(log, target);
            Process child = new ProcessBuilder("echo", "from the child")
                    .redirectOutput(out.redirect())
                    .start();
            assertEquals(0, child.waitFor());
        }
        assertEquals("from the child\n", Files.readString(dataDir.resolve("stdout.log.moved")));
        assertUntouched(target);
    }

    @Test
    void aChildReadsItsInputFromTheFileOpened() throws Exception {
        Path stdin = dataDir.resolve("stdin");
        Files.writeString(stdin, "the prompt");
        Path out = dataDir.resolve("out");
        try (PrivateFiles.ChildStream in = PrivateFiles.forChildInput(stdin);
                PrivateFiles.ChildStream output = PrivateFiles.forChildOutput(out, false)) {
            Process child = new ProcessBuilder("cat")
                    .redirectInput(in.redirect())
                    .redirectOutput(output.redirect())
                    .start();
            assertEquals(0, child.waitFor());
        }
        assertEquals("the prompt", Files.readString(out));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    }

    @Test
    void aLinkTheUserCannotHaveMadeIsPartOfTheSystemAndAccepted() throws IOException {
        Path bin = Path.of("/bin");
        Assumptions.assumeTrue(
                Files.isSymbolicLink(bin) && !Files.isWritable(bin.getParent()),
                "/bin is a link in a directory this user cannot write");
        try (DirectoryStream<Path> entries = PrivateFiles.newDirectoryStream(bin, "*")) {
            assertTrue(entries.iterator().hasNext());
        }
    }

    @Test
    void theDataDirectoryKeepsItsOwnNameWhileItsParentIsResolved() throws IOException {
        Path real = outside.resolve("real");
        Files.createDirectory(real);
        Path viaLink = dataDir.resolve("via");
        Files.createSymbolicLink(viaLink, real);
        assertEquals(real.resolve("gateway"), PrivateFiles.withRealParent(viaLink.resolve("gateway")));
        assertEquals(real.resolve("not/yet/gateway"), PrivateFiles.withRealParent(viaLink.resolve("not/yet/gateway")));
        assertEquals(viaLink, PrivateFiles.withRealParent(viaLink), "the data directory itself is not resolved");
    }

    private static void assertUntouched(Path target) throws IOException {
        assertArrayEquals(PRECIOUS, Files.readAllBytes(target));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
