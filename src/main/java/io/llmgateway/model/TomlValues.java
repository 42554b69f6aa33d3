package io.llmgateway.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads single-line string values ({@code key = "value"} or {@code key = 'value'}) from TOML text,
 * which is all the model settings of the CLIs' config files need. Not a TOML parser: anything else
 * in the file is skipped.
 */
final class TomlValues {
    private static final Pattern HEADER = Pattern.compile("^\\s*\\[\\s*([^\\[\\]]+?)\\s*\\]\\s*(#.*)?$");
    private static final Pattern STRING = Pattern.compile("^\\s*\"?([A-Za-z0-9_.-]+)\"?\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)')\\s*(#.*)?$");

    private TomlValues() {
    }

    /** The string {@code key} of {@code table} (null or "" for the top level, before any header). */
    static Optional<String> string(String toml, String table, String key) {
        String current = "";
        String wanted = table == null ? "" : table;
        for (String line : toml.lines().toList()) {
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                current = header.group(1).replace("\"", "").replace("'", "").replaceAll("\\s*\\.\\s*", ".");
                continue;
            }
            if (!current.equals(wanted)) {
                continue;
            }
            Matcher value = STRING.matcher(line);
            if (value.matches() && value.group(1).equals(key)) {
                return Optional.of(value.group(3) != null ? unescape(value.group(3)) : value.group(4));
            }
        }
        return Optional.empty();
    }

    private static String unescape(String basic) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < basic.length(); i++) {
            char c = basic.charAt(i);
            if (c != '\\' || i + 1 == basic.length()) {
                s.append(c);
                continue;
            }
            char next = basic.charAt(++i);
            switch (next) {
                case 'n' -> s.append('\n');
                case 't' -> s.append('\t');
                case 'u' -> {
                    String hex = i + 4 < basic.length() ? basic.substring(i + 1, i + 5) : "";
                    if (hex.matches("[0-9A-Fa-f]{4}")) {
                        s.append((char) Integer.parseInt(hex, 16));
                        i += 4;
                    } else {
                        s.append("\\u");
                    }
                }
                default -> s.append(next);
            }
        }
        return s.toString();
    }
}
