package io.llmgateway.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Puts the gateway's server entry into the text of a host config, keeping everything else in it:
 * other servers, other settings, their order. Pure text in, text out; refuses (with a reason a
 * person can act on) rather than guessing when the file has a shape it does not understand.
 */
final class HostConfigMerge {
    private static final ObjectMapper MAPPER = Json.newMapper();
    /** For people's config files, not the wire: indented like JSON.stringify(value, null, 2), which the hosts write. */
    private static final DefaultPrettyPrinter PRINTER = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));

    private static final String NAME = ServerEntry.SERVER_NAME;
    private static final Pattern TABLE_HEADER = Pattern.compile("^\\s*\\[\\[?\\s*([^\\]]*?)\\s*\\]\\]?\\s*(#.*)?$");

    private HostConfigMerge() {}

    /** Sets {@code mcpServers."llm-cli-gateway"} in a JSON config ({@code existing} may be blank). */
    static String mergeJson(String existing, Map<String, Object> entry) throws InvalidHostConfigException {
        ObjectNode root;
        if (existing == null || existing.isBlank()) {
            root = MAPPER.createObjectNode();
        } else {
            JsonNode parsed;
            try {
                parsed = MAPPER.readTree(existing);
            } catch (JsonProcessingException e) {
                throw new InvalidHostConfigException(
                        "it is not valid JSON (line " + e.getLocation().getLineNr() + ")");
            }
            if (!(parsed instanceof ObjectNode object)) {
                throw new InvalidHostConfigException("it is not a JSON object");
            }
            root = object;
        }
        JsonNode servers = root.get("mcpServers");
        if (servers != null && !servers.isNull() && !servers.isObject()) {
            throw new InvalidHostConfigException("its \"mcpServers\" is not an object");
        }
        ObjectNode serverMap = servers instanceof ObjectNode object ? object : root.putObject("mcpServers");
        serverMap.set(NAME, MAPPER.valueToTree(entry));
        return jsonEntry(root) + "\n";
    }

    /** One-line JSON of {@code value}, for a command line. */
    static String compactJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON", e);
        }
    }

    /** Indented JSON of {@code value}, as the merged files are written. */
    static String jsonEntry(Object value) {
        try {
            return MAPPER.writer(PRINTER).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON", e);
        }
    }

    /**
     * Replaces (in place) or appends the {@code [mcp_servers.llm-cli-gateway]} table and its
     * sub-tables in a Codex {@code config.toml}, the way {@code codex mcp add} writes it.
     */
    static String mergeToml(String existing, ServerEntry entry) throws InvalidHostConfigException {
        List<String> lines = existing == null ? List.of() : existing.lines().toList();
        List<String> out = new ArrayList<>();
        int insertAt = -1;
        boolean inOurTable = false;
        boolean inServersTable = false;
        boolean topLevel = true;
        String openMultiline = null;
        for (String line : lines) {
            if (openMultiline != null) {
                if (countOccurrences(line, openMultiline) % 2 == 1) {
                    openMultiline = null;
                }
                if (!inOurTable) {
                    out.add(line);
                }
                continue;
            }
            var header = TABLE_HEADER.matcher(line);
            if (header.matches()) {
                String table =
                        header.group(1).replace("\"", "").replace("'", "").replaceAll("\\s*\\.\\s*", ".");
                inOurTable = table.equals("mcp_servers." + NAME) || table.startsWith("mcp_servers." + NAME + ".");
                inServersTable = table.equals("mcp_servers");
                topLevel = false;
                if (inOurTable && insertAt < 0) {
                    insertAt = out.size();
                }
                if (inOurTable) {
                    continue;
                }
            } else if (definesOurServerOutsideItsTable(line, inServersTable, topLevel)) {
                throw new InvalidHostConfigException("it defines mcp_servers." + NAME
                        + " with dotted keys or an inline table; remove that definition and run setup again");
            }
            for (String quote : new String[] {"\"\"\"", "'''"}) {
                if (countOccurrences(line, quote) % 2 == 1) {
                    openMultiline = quote;
                }
            }
            if (!inOurTable) {
                out.add(line);
            }
        }
        List<String> block = tomlBlock(entry);
        if (insertAt >= 0) {
            out.addAll(insertAt, block);
        } else {
            while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
                out.remove(out.size() - 1);
            }
            if (!out.isEmpty()) {
                out.add("");
            }
            out.addAll(block);
        }
        return String.join("\n", out) + "\n";
    }

    /** {@code llm-cli-gateway = {…}} under {@code [mcp_servers]}, or top-level {@code mcp_servers.llm-cli-gateway.x = …}. */
    private static boolean definesOurServerOutsideItsTable(String line, boolean inServersTable, boolean topLevel) {
        String key = line.strip().replace("\"", "").replace("'", "").replaceAll("\\s*\\.\\s*", ".");
        String prefix = inServersTable ? NAME : topLevel ? "mcp_servers." + NAME : null;
        return prefix != null
                && (key.startsWith(prefix + " ") || key.startsWith(prefix + "=") || key.startsWith(prefix + "."));
    }

    private static List<String> tomlBlock(ServerEntry entry) {
        List<String> block = new ArrayList<>();
        block.add("[mcp_servers." + NAME + "]");
        block.add("command = " + tomlString(entry.command()));
        block.add("args = [" + tomlStrings(entry.args()) + "]");
        if (!entry.forwarded().isEmpty()) {
            // Codex passes a server only a few variables of its own environment; these are named, not copied.
            block.add("env_vars = [" + tomlStrings(entry.forwarded()) + "]");
        }
        // codex exec ("approval policy never") refuses tools that need approval; setup's output says how to narrow
        // this.
        block.add("default_tools_approval_mode = \"approve\"");
        // Otherwise codex may send its first model turn before the gateway's tools are listed (a JVM start).
        block.add("startup_readiness = \"catalog\"");
        if (!entry.env().isEmpty()) {
            block.add("");
            block.add("[mcp_servers." + NAME + ".env]");
            entry.env().forEach((name, value) -> block.add(tomlKey(name) + " = " + tomlString(value)));
        }
        block.add("");
        return block;
    }

    private static String tomlStrings(List<String> values) {
        return String.join(
                ", ", values.stream().map(HostConfigMerge::tomlString).toList());
    }

    private static String tomlKey(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : tomlString(key);
    }

    /** A TOML basic string: quotes, backslashes and control characters escaped. */
    static String tomlString(String value) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                case '\r' -> s.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        s.append(String.format("\\u%04X", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    private static int countOccurrences(String line, String token) {
        int count = 0;
        for (int i = line.indexOf(token); i >= 0; i = line.indexOf(token, i + token.length())) {
            count++;
        }
        return count;
    }

    /** The host config cannot be merged safely as it is. */
    static final class InvalidHostConfigException extends Exception {
        InvalidHostConfigException(String reason) {
            super(reason, null, false, false);
        }
    }
}
