package io.llmgateway.ops;

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
    CODEX("codex", "Codex CLI");

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
        };
    }

    /**
     * The server entry as this host stores it. Claude Code records the transport type. Claude Desktop
     * starts servers with a minimal PATH (on macOS without Homebrew or npm directories), so its entry
     * carries the PATH {@code setup} ran with, letting the gateway find the provider CLIs.
     */
    public Map<String, Object> hostEntry(ServerEntry entry) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (this == CLAUDE_CODE) {
            map.put("type", "stdio");
        }
        map.putAll(entry.toMap());
        return map;
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
