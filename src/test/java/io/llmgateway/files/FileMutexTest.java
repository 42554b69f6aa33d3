package io.llmgateway.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.support.LockHolderMain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The one way to lock a file: threads and processes exclude each other, a stuck holder is named, interrupts wait. */
@EnabledOnOs(OS.LINUX)
class FileMutexTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void aProcessStuckHoldingTheLockIsNamedAfterThePatienceAndTheLockWorksOnceItIsGone() throws Exception {
        Path lockFile = dir.resolve("data").resolve("x.lock");
        try (FileMutex mutex = new FileMutex(lockFile, Duration.ofMillis(300))) {
            mutex.locked(() -> null); // creates the directory and the lock file
            Process holder = LockHolderMain.holding(lockFile);
            try {
                LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> mutex.locked(() -> "never"));
                assertEquals(List.of(holder.pid()), e.holders());
                assertTrue(e.getMessage().contains("process " + holder.pid()), e.getMessage());
                assertEquals(Optional.empty(), mutex.lockedIfFree(() -> "never"));
            } finally {
                holder.getOutputStream().close();
                assertTrue(holder.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            assertEquals("after", mutex.locked(() -> "after"));
        }
    }

    @Test
    void aLockFileAndItsDirectoryAreCreatedPrivate() throws IOException {
        Path lockFile = dir.resolve("data").resolve("x.lock");
        try (FileMutex mutex = new FileMutex(lockFile)) {
            mutex.locked(() -> null);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile)));
    }

    @Test
    void anotherThreadWaitsForTheHolderOrFindsItBusy() throws Exception {
        try (FileMutex mutex = new FileMutex(dir.resolve("x.lock"))) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<String> order = new ArrayList<>();
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
                try {
                    mutex.locked(() -> {
                        holding.countDown();
                        awaitQuietly(release);
                        synchronized (order) {
                            order.add("holder done");
                        }
                        return null;
                    });
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(holding.await(WAIT_SECONDS, TimeUnit.SECONDS));

            assertEquals(Optional.empty(), mutex.lockedIfFree(() -> "busy"));
            CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return mutex.locked(() -> {
                        synchronized (order) {
                            order.add("waiter ran");
                        }
                        return "ran";
                    });
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            release.countDown();

            assertEquals("ran", waiter.get(WAIT_SECONDS, TimeUnit.SECONDS));
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(List.of("holder done", "waiter ran"), order);
        }
    }

    @Test
    void anInterruptWaitsUntilTheCallIsOverAndClosesNothing() throws Exception {
        Path data = Files.writeString(dir.resolve("data.txt"), "content");
        try (FileMutex mutex = new FileMutex(dir.resolve("x.lock"))) {
            Thread.currentThread().interrupt();
            String read = mutex.locked(() -> {
                assertFalse(Thread.currentThread().isInterrupted(), "held back during the call");
                try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
                    ByteBuffer buffer = ByteBuffer.allocate(64);
                    channel.read(buffer);
                    return new String(buffer.array(), 0, buffer.position());
                }
            });
            assertTrue(Thread.interrupted(), "pending again after the call");
            assertEquals("content", read);
            assertEquals("again", mutex.locked(() -> "again"), "the lock file is still usable");
        }
    }

    @Test
    void theHolderMayLockAgainButASharedHoldNeverBecomesExclusive() throws IOException {
        try (FileMutex mutex = new FileMutex(dir.resolve("x.lock"))) {
            assertEquals("inner", mutex.locked(() -> mutex.locked(() -> "inner")));
            assertEquals("inner", mutex.locked(() -> mutex.lockedShared(() -> "inner")));
            assertThrows(IllegalStateException.class, () -> mutex.lockedShared(() -> mutex.locked(() -> "never")));
        }
    }

    @Test
    void aFamilyOpensALockFileOnlyWhileHeldAndNeverCreatesItsDirectory() throws IOException {
        FileMutexes family = new FileMutexes();
        Path jobDir = Files.createDirectory(dir.resolve("job-1"));
        Path lockFile = jobDir.resolve("lock");

        assertTrue(family.of(lockFile).locked(() -> openDescriptorsOf(lockFile) == 1));
        assertEquals(0, openDescriptorsOf(lockFile));

        Path removed = dir.resolve("job-2").resolve("lock");
        assertThrows(IOException.class, () -> family.of(removed).locked(() -> null));
        assertFalse(Files.exists(removed.getParent()), "a removed job directory is not brought back");
    }

    @Test
    void aFamilyLetsAThreadHoldSeveralLockFilesButOneFileOnlyOnce() throws IOException {
        FileMutexes family = new FileMutexes();
        Path first = dir.resolve("a.lock");
        Path second = dir.resolve("b.lock");

        assertEquals("both", family.of(first).locked(() -> family.of(second).locked(() -> "both")));
        assertThrows(
                IllegalStateException.class,
                () -> family.of(first).locked(() -> family.of(first).locked(() -> "")));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long openDescriptorsOf(Path file) throws IOException {
        long count = 0;
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors) {
                try {
                    if (Files.readSymbolicLink(descriptor).equals(file)) {
                        count++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return count;
    }
}
