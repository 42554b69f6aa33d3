package io.llmgateway.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.ops.ForwardedVariables;
import io.llmgateway.ops.GatewayLaunch;
import io.llmgateway.ops.HostClient;
import io.llmgateway.ops.HostConfigFile;
import io.llmgateway.ops.HostNotes;
import io.llmgateway.ops.ServerEntry;
import io.llmgateway.ops.StartupArchive;
import io.llmgateway.ops.StartupArchive.ArchiveStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code setup [--client <id>|all]... [--write] [--print] [--json]}: prepares the start-up archive and
 * shows (or, with --write, merges in) the server entry for each agent host. {@code --print --client X}
 * prints only that host's entry as one line of JSON and changes nothing.
 */
public final class SetupCommand {
    private static final ObjectMapper MAPPER = Json.newMapper();

    private final Map<String, String> env;
    private final Path dataDir;
    private final Clock clock;
    private final String osName;

    public SetupCommand(Map<String, String> env, Path dataDir, Clock clock, String osName) {
        this.env = env;
        this.dataDir = dataDir;
        this.clock = clock;
        this.osName = osName;
    }

    public int run(List<String> args, PrintStream out, PrintStream err) {
        CommandOptions options;
        List<HostClient> clients;
        try {
            options = CommandOptions.parse(args, Set.of("--write", "--print", "--json"), Set.of("--client"));
            clients = clients(options.all("--client"));
            if (options.has("--print") && (clients.size() != 1 || options.has("--write"))) {
                throw new CommandOptions.UsageException("--print needs exactly one --client and no --write");
            }
        } catch (CommandOptions.UsageException e) {
            err.println("llm-cli-gateway setup: " + e.getMessage() + ". Usage: setup [--client "
                    + String.join("|", HostClient.ids()) + "|all] [--write] [--print] [--json]");
            return 2;
        }
        Optional<Path> jar = GatewayLaunch.runningJar();
        if (jar.isEmpty()) {
            err.println("llm-cli-gateway setup: run it from the jar: java -jar /path/to/llm-cli-gateway.jar setup");
            return 1;
        }
        StartupArchive archive = new StartupArchive(dataDir, GatewayLaunch.currentJava(), jar.get(), clock);
        if (options.has("--print")) {
            out.println(
                    json(entry(printableLaunch(archive, err), clients.get(0)).toMap(), false));
            return 0;
        }
        return setUp(archive, clients, options.has("--write"), options.has("--json"), out, err);
    }

    private int setUp(
            StartupArchive archive,
            List<HostClient> clients,
            boolean write,
            boolean asJson,
            PrintStream out,
            PrintStream err) {
        if (!asJson) {
            out.println("Preparing the start-up archive (one short training session)...");
        }
        ArchiveStatus status;
        try {
            status = archive.refresh();
        } catch (IOException e) {
            err.println("llm-cli-gateway setup: could not make the start-up archive: " + e.getMessage());
            err.println("fix: check that " + dataDir + " is writable (java -jar "
                    + archive.launch().jar() + " doctor), then run setup again");
            return 1;
        }
        GatewayLaunch launch = archive.launch();
        List<Map<String, Object>> reports = new ArrayList<>();
        boolean failed = false;
        for (HostClient client : clients) {
            Map<String, Object> report = register(client, launch, write, clients.size() > 1);
            failed |= report.containsKey("error");
            reports.add(report);
        }
        if (asJson) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("jar", launch.jar().toString());
            result.put("java", launch.java().toString());
            result.put(
                    "archive",
                    Map.of(
                            "file",
                            status.file().toString(),
                            "state",
                            status.state().name().toLowerCase(Locale.ROOT),
                            "detail",
                            status.detail()));
            result.put("clients", reports);
            out.println(json(result, true));
        } else {
            printHuman(status, launch, reports, out);
        }
        return failed ? 1 : 0;
    }

    /**
     * The launch {@code --print} shows: never one pointing at an archive that is missing or stale. Such an
     * archive is made first; if that fails, the launch without it (a slower start) is printed, and stderr says so.
     */
    private GatewayLaunch printableLaunch(StartupArchive archive, PrintStream err) {
        if (archive.status().fresh()) {
            return archive.launch();
        }
        err.println("llm-cli-gateway setup: making the start-up archive first (" + archive.file() + ")");
        try {
            archive.refresh();
            return archive.launch();
        } catch (IOException e) {
            err.println("llm-cli-gateway setup: could not make the start-up archive (" + e.getMessage()
                    + "); the entry printed starts without it, at plain java -jar speed");
            GatewayLaunch withArchive = archive.launch();
            return new GatewayLaunch(withArchive.java(), withArchive.jar(), Optional.empty());
        }
    }

    private Map<String, Object> register(
            HostClient client, GatewayLaunch launch, boolean write, boolean onlyInstalled) {
        ServerEntry entry = entry(launch, client);
        HostConfigFile config = new HostConfigFile(client, client.configFile(env, osName), clock);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("client", client.id());
        report.put("name", client.displayName());
        report.put("configFile", config.file().toString());
        report.put("entry", client.hostEntry(entry));
        report.put("snippet", config.manualSnippet(entry));
        report.put("instruction", config.manualInstruction(entry));
        report.put("notes", HostNotes.of(client, entry));
        report.put("written", false);
        if (!write) {
            return report;
        }
        if (onlyInstalled && !client.installed(env, osName)) {
            report.put(
                    "skipped",
                    client.displayName() + " does not look installed (" + client.installHint(env, osName)
                            + "); use --client " + client.id() + " to create its config anyway");
            return report;
        }
        try {
            HostConfigFile.Written written = config.register(entry);
            report.put("written", true);
            report.put("configFile", written.file().toString());
            report.put("backup", written.backup().map(Path::toString).orElse(null));
        } catch (IOException e) {
            report.put("error", e.getMessage());
        }
        return report;
    }

    /** The entry every host gets: the launch, the data directory when it is not the default, and the host's extras. */
    ServerEntry entry(GatewayLaunch launch, HostClient client) {
        Map<String, String> entryEnv = new LinkedHashMap<>();
        String home = env.get("LLM_GATEWAY_HOME");
        if (home != null && !home.isBlank()) {
            // The archive lives in the data directory: the host must use the same one.
            entryEnv.put("LLM_GATEWAY_HOME", dataDir.toString());
        }
        entryEnv.putAll(client.hostEnvironment(env));
        List<String> forwarded =
                client.needsForwarding() ? ForwardedVariables.names(env, entryEnv.keySet()) : List.of();
        return new ServerEntry(launch.java().toString(), launch.arguments(), entryEnv, forwarded);
    }

    private void printHuman(
            ArchiveStatus status, GatewayLaunch launch, List<Map<String, Object>> reports, PrintStream out) {
        String made = status.stamp()
                .map(s -> " (trained in " + s.trainingMillis() + " ms, " + s.createdAt() + ")")
                .orElse("");
        out.println("Start-up archive: " + status.file() + made);
        out.println("  Regenerated automatically when the jar or Java changes; a stale one is never used.");
        out.println();
        for (Map<String, Object> report : reports) {
            out.println(report.get("name") + "  (" + report.get("configFile") + ")");
            if (report.containsKey("error")) {
                out.println("  NOT registered: " + report.get("error"));
                out.println("  fix: repair or move the file aside, then run setup --client " + report.get("client")
                        + " --write again");
            } else if (report.containsKey("skipped")) {
                out.println("  skipped: " + report.get("skipped"));
            } else if (Boolean.TRUE.equals(report.get("written"))) {
                Object backup = report.get("backup");
                out.println("  registered as \"" + ServerEntry.SERVER_NAME + "\""
                        + (backup != null ? "; previous file saved as " + backup : "; file created"));
                out.println("  Restart " + report.get("name") + " (or reload its MCP servers) to start using it.");
            } else {
                out.println(indent(report.get("instruction").toString()));
                out.println("  or let setup do it: java -jar " + launch.jar() + " setup --client "
                        + report.get("client") + " --write");
            }
            if (!report.containsKey("skipped")) {
                for (Object note : (List<?>) report.get("notes")) {
                    out.println(indent("- " + note));
                }
            }
            out.println();
        }
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }

    private static List<HostClient> clients(List<String> requested) {
        if (requested.isEmpty() || requested.contains("all")) {
            return List.of(HostClient.values());
        }
        Set<HostClient> clients = new LinkedHashSet<>();
        for (String id : requested) {
            clients.add(HostClient.fromId(id)
                    .orElseThrow(() -> new CommandOptions.UsageException("unknown client '" + id + "'")));
        }
        return List.copyOf(clients);
    }

    private static String json(Object value, boolean pretty) {
        try {
            return pretty
                    ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value)
                    : MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON", e);
        }
    }
}
