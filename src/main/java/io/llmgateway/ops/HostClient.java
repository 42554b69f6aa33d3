package io.llmgateway.ops;

import io.llmgateway.exec.ExecutableNotFoundException;
import io.llmgateway.exec.ExecutableResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The agent hosts {@code setup} knows how to register the gateway with, and where each keeps its config. */
public enum HostClient {
    CLAUDE_DESKTOP("claude-desktop", "Claude Desktop"),
    CURSOR("cursor", "Cursor"),
    CLAUDE_CODE("claude-code", "Claude Code"),
    CODEX("codex", "Codex CLI"),
    GEMINI("gemini", "Gemini CLI");

    private final String id;
    private final String displayName;

    HostClient(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public static Optional<HostClient> fromId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(HostClient::id).toList();
    }

    /** Codex keeps TOML; the others JSON with a top-level {@code mcpServers} object. */
    public boolean usesToml() {
        return this == CODEX;
    }

    /**
     * The user-level config file. HOME is read from the environment first (the JVM's user.home ignores
     * it); {@code CODEX_HOME}, {@code APPDATA} and {@code XDG_CONFIG_HOME} are honoured where the host does.
     */
    public Path configFile(Map<String, String> env, String osName) {
        Path home = Path.of(firstSet(env, "HOME", "USERPROFILE").orElse(System.getProperty("user.home")));
        String os = osName.toLowerCase(Locale.ROOT);
        return switch (this) {
            case CLAUDE_DESKTOP -> {
                if (os.startsWith("mac")) {
                    yield home.resolve("Library/Application Support/Claude/claude_desktop_config.json");
                }
                if (os.startsWith("windows")) {
                    yield firstSet(env, "APPDATA")
                            .map(Path::of)
                            .orElse(home.resolve("AppData/Roaming"))
                            .resolve("Claude/claude_desktop_config.json");
                }
                yield firstSet(env, "XDG_CONFIG_HOME")
                        .map(Path::of)
                        .orElse(home.resolve(".config"))
                        .resolve("Claude/claude_desktop_config.json");
            }
            case CURSOR -> home.resolve(".cursor/mcp.json");
            case CLAUDE_CODE -> home.resolve(".claude.json");
            case CODEX ->
                firstSet(env, "CODEX_HOME")
                        .map(Path::of)
                        .orElse(home.resolve(".codex"))
                        .resolve("config.toml");
            case GEMINI -> home.resolve(".gemini/settings.json");
        };
    }

    /**
     * Whether the host looks installed: its config file or directory exists, or (for the CLI hosts) its
     * command is on PATH. {@code ~/.claude.json} sits in HOME itself, so Claude Code is recognised by
     * that file, {@code ~/.claude/} or {@code claude} on PATH, never by HOME existing.
     */
    public boolean installed(Map<String, String> env, String osName) {
        Path file = configFile(env, osName).toAbsolutePath();
        if (Files.exists(file)) {
            return true;
        }
        Path marker = this == CLAUDE_CODE ? file.resolveSibling(".claude") : file.getParent();
        return Files.isDirectory(marker)
                || command().map(name -> onPath(name, env)).orElse(false);
    }

    /** What {@link #installed} looked for, for the message when a host is skipped. */
    public String installHint(Map<String, String> env, String osName) {
        Path file = configFile(env, osName).toAbsolutePath();
        Path marker = this == CLAUDE_CODE ? file.resolveSibling(".claude") : file.getParent();
        return "no " + (this == CLAUDE_CODE ? file + ", " : "") + marker
                + command().map(name -> " and no " + name + " on PATH").orElse("");
    }

    /** The host's own executable, for the CLI hosts. */
    private Optional<String> command() {
        return switch (this) {
            case CLAUDE_CODE -> Optional.of("claude");
            case CODEX -> Optional.of("codex");
            case GEMINI -> Optional.of("gemini");
            case CLAUDE_DESKTOP, CURSOR -> Optional.empty();
        };
    }

    private static boolean onPath(String name, Map<String, String> env) {
        try {
            ExecutableResolver.resolve(name, env, Path.of("").toAbsolutePath());
            return true;
        } catch (ExecutableNotFoundException e) {
            return false;
        }
    }

    /**
     * The server entry as this host's JSON config stores it. Claude Code records the transport type.
     * Gemini CLI drops variables whose names look secret (KEY, TOKEN, AUTH, ...) before starting a
     * server, unless the entry's {@code env} names them: each forwarded variable is written as
     * {@code "NAME": "$NAME"}, which Gemini expands from its own environment (an unset one arrives
     * empty, which the gateway treats as unset). Codex entries are TOML: {@link HostConfigMerge#mergeToml}.
     */
    public Map<String, Object> hostEntry(ServerEntry entry) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (this == CLAUDE_CODE) {
            map.put("type", "stdio");
        }
        map.put("command", entry.command());
        map.put("args", entry.args());
        Map<String, String> env = new LinkedHashMap<>(entry.env());
        if (this == GEMINI) {
            entry.forwarded().forEach(name -> env.put(name, "$" + name));
        }
        map.put("env", env);
        return map;
    }

    /**
     * Whether the host hands the gateway only some of its environment, so the entry must name the
     * variables to forward: Codex (a small fixed set otherwise) and Gemini CLI (drops secret-looking
     * names). Claude Code passes its whole environment; Claude Desktop and Cursor are apps started
     * without the shell's variables, where the CLIs use their own stored logins.
     */
    public boolean needsForwarding() {
        return this == CODEX || this == GEMINI;
    }

    /** Extra environment this host's entry needs beyond the gateway's own settings. */
    public Map<String, String> hostEnvironment(Map<String, String> env) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (this == CLAUDE_DESKTOP) {
            firstSet(env, "PATH").ifPresent(path -> extra.put("PATH", path));
        }
        return extra;
    }

    private static Optional<String> firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
