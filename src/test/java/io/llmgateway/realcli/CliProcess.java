package io.llmgateway.realcli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs one CLI process to completion: no shell, exactly the given environment, stdin fed and closed,
 * stdout and stderr captured to files (a grandchild holding a pipe cannot stall us), a hard wall-clock
 * timeout, and the whole process tree killed whatever happens. Descendants are collected while the run
 * lasts, so helpers the CLI leaves behind are killed even after their parent has exited.
 */
public final class CliProcess {
    private static final long POLL_MS = 50;

    /** What a finished run printed; {@code elapsed} runs from process start to exit. */
    public record Outcome(int exitCode, String stdout, String stderr, Duration elapsed) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + elapsed.toMillis() + " ms\n--- stdout\n" + stdout + "\n--- stderr\n"
                    + stderr;
        }
    }

    private CliProcess() {}

    /**
     * @param stdin text written to the process's stdin before it is closed ("" closes it at once)
     * @param captureDir where the stdout/stderr capture files go
     * @throws AssertionError when the process outlives {@code timeout} (its tree is killed first)
     */
    public static Outcome run(
            List<String> command,
            Map<String, String> environment,
            Path workDir,
            String stdin,
            Duration timeout,
            Path captureDir) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        try {
            Files.createDirectories(captureDir);
            Path out = Files.createTempFile(captureDir, "stdout-", ".txt");
            Path err = Files.createTempFile(captureDir, "stderr-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            long started = System.nanoTime();
            long deadline = started + timeout.toNanos();
            Process process = builder.start();
            tree.add(process.toHandle());
            try (var toProcess = process.getOutputStream()) {
                toProcess.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The CLI closed stdin before reading it all; its exit code and output tell the story.
            }
            while (!process.waitFor(Math.min(POLL_MS, remainingMs(deadline)), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(tree::add);
                if (remainingMs(deadline) == 0) {
                    killAll(tree);
                    throw new AssertionError("timed out after " + timeout.toMillis() + " ms: " + command
                            + "\n--- stdout\n" + Files.readString(out) + "\n--- stderr\n" + Files.readString(err));
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err), elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            killAll(tree);
        }
    }

    /**
     * Live processes whose environment names a HOME under {@code root}: every CLI and gateway the real-CLI
     * tests start gets one there, so anything listed here escaped the kill. Linux only (reads /proc).
     */
    public static List<ProcessHandle> survivorsUnder(Path root) {
        String marker = "HOME=" + root.toAbsolutePath();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> {
                    try {
                        return new String(
                                        Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")),
                                        StandardCharsets.UTF_8)
                                .contains(marker);
                    } catch (IOException | SecurityException e) {
                        return false; // gone meanwhile, or not ours to read
                    }
                })
                .toList();
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** Kills every process in {@code tree} and their current descendants, and waits (bounded) for them to die. */
    private static void killAll(Set<ProcessHandle> tree) {
        List<ProcessHandle> all = new ArrayList<>(tree);
        tree.forEach(handle -> handle.descendants().forEach(all::add));
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            handle.onExit().completeOnTimeout(handle, 5, TimeUnit.SECONDS).join();
        }
    }
}
