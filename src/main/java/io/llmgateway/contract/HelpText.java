package io.llmgateway.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a CLI's {@code --help} text declares: its long flags, the command path of its usage line and its summary.
 * The same reading builds the bundled contract from the reference help texts and the drift probe of an installed
 * CLI, so the two compare like with like.
 */
public final class HelpText {
    private static final Pattern LONG_FLAG = Pattern.compile("--([a-z0-9][a-z0-9_-]*[a-z0-9])");
    private static final Pattern DECLARATION_END = Pattern.compile("\\s{2,}");
    private static final int MAX_SUMMARY = 120;

    private HelpText() {}

    /**
     * The long flags declared in option lines (a line starting with '-', up to the first run of two spaces), so
     * prose that mentions a flag counts for nothing; {@code --help} itself, and fragments of a flag wrapped at a
     * dash, are left out. As the original reads them: lower case, '_' as '-'.
     */
    public static List<String> flags(String help) {
        TreeSet<String> flags = new TreeSet<>();
        for (String line : help.split("\\R")) {
            String trimmed = line.stripLeading();
            if (!trimmed.startsWith("-")) {
                continue;
            }
            String declaration = DECLARATION_END.split(trimmed, 2)[0];
            Matcher matcher = LONG_FLAG.matcher(declaration.toLowerCase(Locale.ROOT));
            while (matcher.find()) {
                String flag = "--" + matcher.group(1).replace('_', '-');
                int end = matcher.end();
                boolean wrapped = end < declaration.length() && declaration.charAt(end) == '-';
                if (!flag.equals("--help") && !wrapped) {
                    flags.add(flag);
                }
            }
        }
        return List.copyOf(flags);
    }

    /**
     * The subcommand path of the usage line ({@code Usage: codex exec resume [OPTIONS]} is {@code [exec, resume]};
     * yargs heads a subcommand's help with the bare line {@code gemini mcp list}; of {@code update|upgrade} the
     * first name), empty for the top-level help.
     */
    public static List<String> commandPath(String help, String executable) {
        for (String line : help.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("Usage: ")) {
                trimmed = trimmed.substring("Usage: ".length()).strip();
            } else if (!isHeading(trimmed, executable)) {
                continue;
            }
            String[] words = trimmed.split("\\s+");
            if (!words[0].equals(executable)) {
                return List.of();
            }
            List<String> path = new ArrayList<>();
            for (int i = 1; i < words.length; i++) {
                String name = words[i].split("\\|", 2)[0];
                if (!name.matches("[a-z][a-z0-9-]*")) {
                    break;
                }
                path.add(name);
            }
            return List.copyOf(path);
        }
        return List.of();
    }

    private static boolean isHeading(String line, String executable) {
        return line.equals(executable) || line.startsWith(executable + " ");
    }

    /** The first line of prose (not a usage line, heading or warning) before the first section, at most 120 chars. */
    public static String summary(String help, String executable) {
        for (String line : help.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()
                    || trimmed.startsWith("Usage:")
                    || trimmed.startsWith("WARNING")
                    || isHeading(trimmed, executable)) {
                continue;
            }
            if (trimmed.endsWith(":") || trimmed.startsWith("-")) {
                return null;
            }
            return trimmed.length() > MAX_SUMMARY ? trimmed.substring(0, MAX_SUMMARY - 3) + "..." : trimmed;
        }
        return null;
    }
}
