package io.llmgateway.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A process stuck while holding a lock (as a gateway stopped with Ctrl-Z would be): locks the file named by
 * its argument, prints {@code locked}, and holds the lock until its stdin ends.
 */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws IOException {
        try (FileChannel channel =
                        FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    /** Starts the holder and returns once it holds the lock. */
    public static Process holding(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHolderMain.class.getName(),
                        file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] expected = "locked".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] read = process.getInputStream().readNBytes(expected.length);
        if (!java.util.Arrays.equals(expected, read)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("the lock holder did not start");
        }
        return process;
    }
}
