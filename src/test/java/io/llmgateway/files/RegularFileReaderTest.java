package io.llmgateway.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegularFileReaderTest {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aRegularFileOrALinkToOneIsRead() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "content");
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertArrayEquals("content".getBytes(StandardCharsets.UTF_8), RegularFileReader.read(link, 7, PATIENCE));
        assertEquals(
                "is 7 bytes, over the limit of 6",
                assertThrows(RefusedFileException.class, () -> RegularFileReader.read(file, 6, PATIENCE))
                        .getMessage());
    }

    @Test
    void aDirectoryIsRefused() {
        assertEquals(
                "is a directory, not a regular file",
                assertThrows(RefusedFileException.class, () -> RegularFileReader.read(dir, 10, PATIENCE))
                        .getMessage());
    }

    /** Stands for an open that a FIFO swapped in after the check blocks; the caller is not held up. */
    @Test
    void aReadThatDoesNotFinishInTimeIsAbandoned() {
        CountDownLatch never = new CountDownLatch(1);
        RefusedFileException refused = assertThrows(
                RefusedFileException.class,
                () -> RegularFileReader.within(Duration.ofMillis(50), () -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
        assertEquals(
                "was not read within 50 ms (was a FIFO or device put in its place while it was opened?)",
                refused.getMessage());
        never.countDown();
    }
}
