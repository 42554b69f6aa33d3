package io.llmgateway.realcli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one CLI process to completion: no shell, a clean environment, stdin fed and closed, stdout and
 * stderr captured to files (a grandchild holding a pipe cannot stall us), a hard wall-clock timeout, and
 * the whole process tree killed whatever happens.
 */
public final class CliProcess {

    /** What a finished run printed. */
    public record Outcome(int exitCode, String stdout, String stderr, Duration elapsed) {
        /** The last stdout line that is a JSON object (CLIs may print banners before it). */
        public String lastJsonLine() {
            List<String> lines = stdout.lines().filter(l -> l.startsWith("{")).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " after " + elapsed.toMillis() + " ms\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private CliProcess() {
    }

    /**
     * @param stdin text written to the process's stdin before it is closed ("" closes it at once)
     * @throws AssertionError when the process outlives {@code timeout} (it is killed first)
     */
    public static Outcome run(List<String> command, Map<String, String> environment, Path workDir, String stdin,
                              Duration timeout, Path captureDir) {
        try {
            Files.createDirectories(captureDir);
            Path out = Files.createTempFile(captureDir, "stdout-", ".txt");
            Path err = Files.createTempFile(captureDir, "stderr-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            long started = System.nanoTime();
            Process process = builder.start();
            try {
                try (var toProcess = process.getOutputStream()) {
                    toProcess.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // The CLI exited or closed stdin before reading it all; its exit code tells the story.
                }
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (!finished) {
                    killTree(process);
                    throw new AssertionError("timed out after " + timeout.toMillis() + " ms: " + command
                            + "\n--- stdout\n" + Files.readString(out) + "\n--- stderr\n" + Files.readString(err));
                }
                return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err), elapsed);
            } finally {
                killTree(process);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** Kills the process and every descendant still alive (node CLIs may leave helpers behind). */
    static void killTree(ProcessHandle root) throws InterruptedException {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            handle.onExit().completeOnTimeout(handle, 5, TimeUnit.SECONDS).join();
        }
    }

    static void killTree(Process process) throws InterruptedException {
        killTree(process.toHandle());
    }
}
