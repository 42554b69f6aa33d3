package io.llmgateway.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The original's rules for workspace aliases, paths and slugs. */
final class WorkspacePaths {
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Directories no workspace may be in or under: the gateway's own data and credentials. */
    static final Set<String> DENIED_NAMES =
            Set.of(".llm-cli-gateway", ".ssh", ".aws", ".azure", ".config", ".gnupg", ".kube", ".password-store");

    static final String ALIAS_RULE = "1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter";

    private WorkspacePaths() {}

    static boolean isAlias(String alias) {
        return alias != null && ALIAS.matcher(alias).matches() && !alias.contains("..");
    }

    static String checkAlias(String alias, Function<String, ? extends RuntimeException> failure) {
        if (!isAlias(alias)) {
            throw failure.apply("Invalid workspace alias \"" + alias + "\" (" + ALIAS_RULE + ")");
        }
        return alias;
    }

    /** The real path of an existing absolute path, outside every denied directory. */
    static Path realExisting(Path path, Function<String, ? extends RuntimeException> failure) {
        if (!path.isAbsolute()) {
            throw failure.apply("Workspace path must be absolute: " + path);
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw failure.apply("Workspace path does not exist: " + path);
        }
        refuseDenied(real, failure);
        return real;
    }

    static Path realExisting(String path, Function<String, ? extends RuntimeException> failure) {
        try {
            return realExisting(Path.of(path), failure);
        } catch (InvalidPathException e) {
            throw failure.apply("Not a path: " + path);
        }
    }

    static void refuseDenied(Path real, Function<String, ? extends RuntimeException> failure) {
        for (Path name : real) {
            if (DENIED_NAMES.contains(name.toString())) {
                throw failure.apply("Workspace path targets denied directory \"" + name + "\"");
            }
        }
    }

    static boolean isUnder(Path parent, Path child) {
        return child.normalize().startsWith(parent.normalize());
    }

    /** A slug's segments: relative, 1 to {@code maxDepth} safe segments, none hidden, none denied. */
    static List<String> slugSegments(String slug, int maxDepth, Function<String, ? extends RuntimeException> failure) {
        if (slug.startsWith("/")) {
            throw failure.apply("Workspace slug must be relative");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : slug.split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals("..") || segment.equals(".")) {
                throw failure.apply("Workspace slug must not traverse outside the allowed root");
            }
            if (segment.startsWith(".")
                    || segment.contains("..")
                    || !SEGMENT.matcher(segment).matches()
                    || DENIED_NAMES.contains(segment)) {
                throw failure.apply("Workspace slug segment \"" + segment + "\" is not allowed");
            }
            segments.add(segment);
        }
        if (segments.isEmpty() || segments.size() > maxDepth) {
            throw failure.apply("Workspace slug must contain 1-" + maxDepth + " path segment(s)");
        }
        return segments;
    }

    static boolean isGitRepository(Path directory) {
        return Files.exists(directory.resolve(".git"));
    }
}
