package io.llmgateway.ops;

import io.llmgateway.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Registers the gateway in one host's config file: backup of the old file, then an atomic replacement. */
public final class HostConfigFile {
    private static final DateTimeFormatter BACKUP_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final HostClient client;
    private final Path file;
    private final Clock clock;

    public HostConfigFile(HostClient client, Path file, Clock clock) {
        this.client = client;
        this.file = file;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /** What a write did: the backup of the previous file, if there was one. */
    public record Written(Path file, Optional<Path> backup) {}

    /**
     * Merges {@code entry} into the file, creating it (and its directory) when missing. The previous
     * content is copied to {@code <file>.bak-<UTC time>} first; the file keeps its permissions.
     *
     * @throws IOException with a message naming the file when it cannot be read, merged or written
     */
    public Written register(ServerEntry entry) throws IOException {
        // A symlinked config (dotfile managers) is updated where it really lives, and so is a new one in a
        // symlinked directory.
        Path target = Files.exists(file) ? file.toRealPath() : PrivateFiles.withRealParent(file);
        String existing = Files.exists(target) ? Files.readString(target, StandardCharsets.UTF_8) : null;
        String merged;
        try {
            merged = client.usesToml()
                    ? HostConfigMerge.mergeToml(existing, entry)
                    : HostConfigMerge.mergeJson(existing, client.hostEntry(entry));
        } catch (HostConfigMerge.InvalidHostConfigException e) {
            throw new IOException("left " + file + " unchanged: " + e.getMessage());
        }
        Optional<Path> backup = Optional.empty();
        Optional<Set<PosixFilePermission>> mode = Optional.empty();
        if (existing != null) {
            backup = Optional.of(backup(target));
            mode = Optional.of(Files.getPosixFilePermissions(target));
        } else {
            Files.createDirectories(target.toAbsolutePath().getParent());
        }
        PrivateFiles.replaceAtomically(target, merged.getBytes(StandardCharsets.UTF_8));
        if (mode.isPresent()) {
            // The replacement is created 0600; a config others were meant to read keeps its mode.
            Files.setPosixFilePermissions(target, mode.get());
        }
        return new Written(target, backup);
    }

    private Path backup(Path target) throws IOException {
        String base = target.getFileName() + ".bak-" + BACKUP_TIME.format(clock.instant());
        Path backup = target.resolveSibling(base);
        for (int i = 1; Files.exists(backup); i++) {
            backup = target.resolveSibling(base + "-" + i);
        }
        Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES);
        return backup;
    }

    /**
     * What a person does instead of {@code --write}: for Claude Code the {@code claude mcp add-json} command
     * (one line, the JSON single-quoted for a POSIX shell), else where to paste {@link #manualSnippet}.
     */
    public String manualInstruction(ServerEntry entry) {
        return switch (client) {
            case CLAUDE_CODE ->
                "run: claude mcp add-json --scope user " + ServerEntry.SERVER_NAME + " '"
                        + HostConfigMerge.compactJson(client.hostEntry(entry)).replace("'", "'\\''") + "'";
            case CODEX -> "add to " + file + ":\n" + manualSnippet(entry);
            default -> "add under \"mcpServers\" in " + file + ":\n" + manualSnippet(entry);
        };
    }

    /** The text a person would add by hand: the JSON entry under mcpServers, or the Codex TOML table. */
    public String manualSnippet(ServerEntry entry) {
        if (client.usesToml()) {
            try {
                return HostConfigMerge.mergeToml("", entry).strip();
            } catch (HostConfigMerge.InvalidHostConfigException e) {
                throw new IllegalStateException("an empty file always merges", e);
            }
        }
        // The member to paste inside "mcpServers": the object without its outer braces.
        String object = HostConfigMerge.jsonEntry(Map.of(ServerEntry.SERVER_NAME, client.hostEntry(entry)));
        return object.lines()
                .skip(1)
                .limit(object.lines().count() - 2)
                .map(line -> line.startsWith("  ") ? line.substring(2) : line)
                .collect(java.util.stream.Collectors.joining("\n"));
    }
}
