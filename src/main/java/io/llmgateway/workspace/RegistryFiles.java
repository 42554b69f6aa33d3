package io.llmgateway.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.files.FileMutex;
import io.llmgateway.files.PrivateFiles;
import io.llmgateway.files.RefusedFileException;
import io.llmgateway.files.RegularFileReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where the workspace registry lives. The operator's part is the {@code [workspaces]} section of the original
 * gateway's {@code config.toml} ({@code $LLM_GATEWAY_CONFIG}, else {@code <data dir>/config.toml}), in the
 * original's format, read and never rewritten (it keeps its comments and every other section). What the
 * workspace tools register goes to the gateway's own {@code <data dir>/workspaces.json}, replaced atomically under
 * {@code workspaces.lock}, so gateways sharing the data directory never lose one another's registrations.
 */
public final class RegistryFiles {
    public static final String CONFIG_VARIABLE = "LLM_GATEWAY_CONFIG";
    static final String REGISTRATIONS = "workspaces.json";
    private static final int MAX_CONFIG_BYTES = 1024 * 1024;
    private static final Duration READ_PATIENCE = Duration.ofSeconds(2);
    private static final Set<String> SECTION_KEYS =
            Set.of("default", "allow_unregistered_working_dir", "repos", "allowed_roots");
    private static final Set<String> REPO_KEYS =
            Set.of("alias", "path", "providers", "allow_worktree", "allow_add_dir", "kind", "operator_entry");
    private static final Set<String> ROOT_KEYS = Set.of(
            "alias",
            "path",
            "allow_register_existing_git_repos",
            "allow_create_directories",
            "allow_init_git_repos",
            "max_create_depth");
    private static final ObjectMapper JSON = Json.newMapper();

    /** Loaded on the first config.toml read, not at start-up. */
    private static final class Toml {
        static final TomlMapper MAPPER = new TomlMapper();
    }

    private final Path configFile;
    private final Path registrations;
    private final FileMutex lock;
    private final Path home;

    /** @param environment the gateway's: {@value #CONFIG_VARIABLE} and HOME (for {@code ~/} in paths) */
    public RegistryFiles(Path dataDir, Map<String, String> environment) {
        String explicit = environment.get(CONFIG_VARIABLE);
        this.configFile = explicit != null && !explicit.isBlank() ? Path.of(explicit) : dataDir.resolve("config.toml");
        this.registrations = dataDir.resolve(REGISTRATIONS);
        this.lock = new FileMutex(dataDir.resolve("workspaces.lock"));
        String homeValue = environment.get("HOME");
        this.home = homeValue == null || homeValue.isBlank()
                ? Path.of(System.getProperty("user.home"))
                : Path.of(homeValue);
    }

    /** The registry as the files say now. */
    public WorkspaceRegistry load() {
        Path shownConfig = Files.exists(configFile) ? configFile : null;
        List<String> warnings = new ArrayList<>();
        JsonNode section;
        try {
            section = readConfigSection();
        } catch (InvalidRegistryException e) {
            return WorkspaceRegistry.disabled(shownConfig, List.of(e.getMessage()));
        }
        List<AllowedRoot> roots = new ArrayList<>();
        List<WorkspaceRepo> repos = new ArrayList<>();
        String defaultAlias;
        try {
            checkKeys(section, SECTION_KEYS, "[workspaces]");
            if (section.has("allow_unregistered_working_dir")) {
                warnings.add("[workspaces].allow_unregistered_working_dir is accepted but has no effect: requests may "
                        + "always name a working directory.");
            }
            Set<String> rootAliases = new HashSet<>();
            for (JsonNode root : array(section, "allowed_roots")) {
                AllowedRoot parsed = root(root, rootAliases);
                rootAliases.add(parsed.alias());
                roots.add(parsed);
            }
            Set<String> aliases = new HashSet<>();
            for (JsonNode repo : array(section, "repos")) {
                WorkspaceRepo parsed = repo(repo, true);
                if (!aliases.add(parsed.alias())) {
                    throw new InvalidRegistryException("Duplicate workspace alias \"" + parsed.alias() + "\"");
                }
                repos.add(parsed);
            }
            defaultAlias = optionalText(section, "default");
            if (defaultAlias != null
                    && repos.stream().noneMatch(r -> r.alias().equals(defaultAlias))
                    && registered().stream()
                            .noneMatch(r -> r.path("alias").asText().equals(defaultAlias))) {
                throw new InvalidRegistryException(
                        "[workspaces].default references unknown alias \"" + defaultAlias + "\"");
            }
        } catch (InvalidRegistryException e) {
            return WorkspaceRegistry.disabled(
                    shownConfig,
                    List.of("Invalid [workspaces] in " + configFile + "; the workspace registry is disabled: "
                            + e.getMessage()));
        }
        Registrations own = registrationsOrWarning(warnings);
        Set<String> aliases =
                new HashSet<>(repos.stream().map(WorkspaceRepo::alias).toList());
        for (JsonNode entry : own.repos()) {
            try {
                WorkspaceRepo repo = repo(entry, false);
                if (aliases.add(repo.alias())) {
                    repos.add(repo);
                } else {
                    warnings.add("Workspace \"" + repo.alias() + "\" of " + registrations + " is also in " + configFile
                            + "; the config.toml entry is used.");
                }
            } catch (InvalidRegistryException e) {
                warnings.add("A workspace registered in " + registrations + " was skipped: " + e.getMessage());
            }
        }
        String chosenDefault =
                own.defaultAlias() != null && aliases.contains(own.defaultAlias()) ? own.defaultAlias() : defaultAlias;
        return new WorkspaceRegistry(
                !repos.isEmpty() || !roots.isEmpty(), chosenDefault, repos, roots, shownConfig, warnings);
    }

    /**
     * Adds a registration (and, with {@code setDefault}, makes it the default) under the lock, after
     * {@code check} accepted the registry as it is at that moment (e.g. that the alias is still free).
     */
    void register(WorkspaceRepo repo, boolean setDefault, Consumer<WorkspaceRegistry> check) {
        try {
            lock.locked(() -> {
                check.accept(load());
                ObjectNode file = readRegistrations();
                ArrayNode repos = file.withArray("repos");
                ObjectNode entry = repos.addObject();
                entry.put("alias", repo.alias());
                entry.put("path", repo.path().toString());
                ArrayNode providers = entry.putArray("providers");
                repo.providers().forEach(p -> providers.add(p.wireName()));
                entry.put("allow_worktree", repo.allowWorktree());
                entry.put("allow_add_dir", repo.allowAddDir());
                entry.put("kind", repo.kind().wireName());
                entry.put("operator_entry", false);
                if (setDefault) {
                    file.put("default", repo.alias());
                }
                PrivateFiles.replaceAtomically(
                        registrations, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(file));
                return null;
            });
        } catch (IOException e) {
            throw new GatewayException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "The workspace registration could not be saved in " + registrations + ": " + e.getMessage());
        }
    }

    private record Registrations(String defaultAlias, List<JsonNode> repos) {}

    private Registrations registrationsOrWarning(List<String> warnings) {
        try {
            ObjectNode file = readRegistrations();
            List<JsonNode> repos = new ArrayList<>();
            file.path("repos").forEach(repos::add);
            return new Registrations(optionalText(file, "default"), repos);
        } catch (IOException | InvalidRegistryException e) {
            warnings.add(registrations + " could not be read (" + e.getMessage() + "); its registrations are missing.");
            return new Registrations(null, List.of());
        }
    }

    private List<JsonNode> registered() {
        try {
            List<JsonNode> repos = new ArrayList<>();
            readRegistrations().path("repos").forEach(repos::add);
            return repos;
        } catch (IOException | InvalidRegistryException e) {
            return List.of();
        }
    }

    private ObjectNode readRegistrations() throws IOException {
        if (!Files.exists(registrations, LinkOption.NOFOLLOW_LINKS)) {
            ObjectNode empty = JSON.createObjectNode();
            empty.put("version", 1);
            empty.putArray("repos");
            return empty;
        }
        JsonNode node = JSON.readTree(PrivateFiles.readString(registrations));
        if (node == null
                || !node.isObject()
                || (node.has("repos") && !node.get("repos").isArray())) {
            throw new InvalidRegistryException("not an object with a repos array");
        }
        return (ObjectNode) node;
    }

    private JsonNode readConfigSection() {
        byte[] bytes;
        try {
            bytes = RegularFileReader.read(configFile, MAX_CONFIG_BYTES, READ_PATIENCE);
        } catch (NoSuchFileException e) {
            return JSON.createObjectNode();
        } catch (RefusedFileException e) {
            throw new InvalidRegistryException(
                    configFile + " " + e.getMessage() + "; the workspace registry is disabled.");
        } catch (IOException e) {
            throw new InvalidRegistryException(
                    configFile + " cannot be read (" + e.getMessage() + "); the workspace registry is disabled.");
        }
        try {
            JsonNode workspaces = Toml.MAPPER
                    .readTree(new String(bytes, StandardCharsets.UTF_8))
                    .path("workspaces");
            if (workspaces.isMissingNode()) {
                return JSON.createObjectNode();
            }
            if (!workspaces.isObject()) {
                throw new InvalidRegistryException(
                        configFile + ": [workspaces] is not a table; the workspace registry " + "is disabled.");
            }
            return workspaces;
        } catch (IOException e) {
            throw new InvalidRegistryException(configFile + " is not valid TOML; the workspace registry is disabled.");
        }
    }

    private AllowedRoot root(JsonNode node, Set<String> taken) {
        checkKeys(node, ROOT_KEYS, "[[workspaces.allowed_roots]]");
        Path real = WorkspacePaths.realExisting(expandHome(requiredText(node, "path")), InvalidRegistryException::new);
        String alias = optionalText(node, "alias");
        alias = WorkspacePaths.checkAlias(
                alias != null ? alias : defaultRootAlias(real, taken), InvalidRegistryException::new);
        int depth = node.has("max_create_depth") ? integer(node, "max_create_depth") : 2;
        if (depth < 1 || depth > 8) {
            throw new InvalidRegistryException("max_create_depth must be 1-8, got " + depth);
        }
        return new AllowedRoot(
                alias,
                real,
                bool(node, "allow_register_existing_git_repos", false),
                bool(node, "allow_create_directories", false),
                bool(node, "allow_init_git_repos", false),
                depth);
    }

    private WorkspaceRepo repo(JsonNode node, boolean operatorFile) {
        checkKeys(node, REPO_KEYS, "[[workspaces.repos]]");
        String alias = WorkspacePaths.checkAlias(requiredText(node, "alias"), InvalidRegistryException::new);
        Path real = WorkspacePaths.realExisting(expandHome(requiredText(node, "path")), InvalidRegistryException::new);
        WorkspaceRepo.Kind kind;
        try {
            kind = node.has("kind") ? WorkspaceRepo.Kind.of(requiredText(node, "kind")) : WorkspaceRepo.Kind.GIT;
        } catch (IllegalArgumentException e) {
            throw new InvalidRegistryException("Workspace \"" + alias + "\": " + e.getMessage());
        }
        if (kind == WorkspaceRepo.Kind.GIT && !Files.exists(real.resolve(".git"))) {
            throw new InvalidRegistryException("Workspace \"" + alias + "\" is not a Git repository");
        }
        List<ProviderId> providers = new ArrayList<>();
        if (node.has("providers")) {
            for (JsonNode provider : array(node, "providers")) {
                providers.add(ProviderId.fromWireName(provider.asText())
                        .orElseThrow(() -> new InvalidRegistryException(
                                "Workspace \"" + alias + "\": unknown provider \"" + provider.asText() + "\"")));
            }
        } else {
            providers.addAll(List.of(ProviderId.values()));
        }
        return new WorkspaceRepo(
                alias,
                real,
                providers,
                bool(node, "allow_worktree", true),
                bool(node, "allow_add_dir", false),
                kind,
                bool(node, "operator_entry", operatorFile));
    }

    private Path expandHome(String value) {
        if (value.equals("~")) {
            return home;
        }
        return value.startsWith("~/") ? home.resolve(value.substring(2)) : Path.of(value);
    }

    /** The original's rule: the directory's name made safe, numbered when taken. */
    private static String defaultRootAlias(Path root, Set<String> taken) {
        Path name = root.getFileName();
        String base = name == null ? "root" : name.toString().replaceAll("[^A-Za-z0-9._-]", "-");
        if (base.isEmpty()) {
            base = "root";
        }
        String candidate = WorkspacePaths.isAlias(base) ? base : "root-" + base;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = base + "-" + i;
        }
        return candidate;
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
        if (!node.isObject()) {
            throw new InvalidRegistryException(where + " must be a table");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRegistryException(where + " has an unknown key \"" + name + "\"");
            }
        }
    }

    private static List<JsonNode> array(JsonNode node, String key) {
        JsonNode value = node.path(key);
        if (value.isMissingNode()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidRegistryException(key + " must be an array");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    private static String requiredText(JsonNode node, String key) {
        String value = optionalText(node, key);
        if (value == null || value.isEmpty()) {
            throw new InvalidRegistryException(key + " must be a non-empty string");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String key) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRegistryException(key + " must be a string");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode node, String key, boolean defaultValue) {
        JsonNode value = node.path(key);
        if (value.isMissingNode()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw new InvalidRegistryException(key + " must be true or false");
        }
        return value.asBoolean();
    }

    private static int integer(JsonNode node, String key) {
        JsonNode value = node.path(key);
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new InvalidRegistryException(key + " must be an integer");
        }
        return value.asInt();
    }

    /** Why a registry file cannot be used. */
    static final class InvalidRegistryException extends RuntimeException {
        InvalidRegistryException(String message) {
            super(message);
        }
    }
}
