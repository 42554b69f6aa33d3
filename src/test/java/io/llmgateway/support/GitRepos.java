package io.llmgateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real git repositories for tests: created, committed to and inspected with the real {@code git}. */
public final class GitRepos {
    private GitRepos() {}

    /** A new repository in {@code dir} with one commit of README.md; returns its real path. */
    public static Path init(Path dir) {
        git(dir, "init", "--quiet", "--initial-branch=main");
        write(dir.resolve("README.md"), "hello\n");
        git(dir, "add", "README.md");
        git(dir, "commit", "--quiet", "-m", "first");
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A commit of {@code file} with {@code content} in {@code dir}; returns its id. */
    public static String commit(Path dir, String file, String content) {
        write(dir.resolve(file), content);
        git(dir, "add", file);
        git(dir, "commit", "--quiet", "-m", "change " + file);
        return git(dir, "rev-parse", "HEAD").strip();
    }

    /** {@code git <args>} in {@code dir} with a test identity; its stdout, failing on a non-zero exit. */
    public static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("git " + String.join(" ", args) + " failed in " + dir + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The worktree paths {@code git worktree list} shows for the repository in {@code dir}. */
    public static List<String> worktrees(Path dir) {
        return git(dir, "worktree", "list", "--porcelain")
                .lines()
                .filter(line -> line.startsWith("worktree "))
                .map(line -> line.substring("worktree ".length()))
                .toList();
    }

    public static boolean hasBranch(Path dir, String branch) {
        return !git(dir, "branch", "--list", branch).isBlank();
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
