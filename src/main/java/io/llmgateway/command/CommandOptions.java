package io.llmgateway.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The options of one subcommand: flags and repeatable valued options, nothing positional. */
final class CommandOptions {
    private final List<String[]> values = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();

    private CommandOptions() {}

    /**
     * @throws UsageException for an unknown option or a valued option without its value
     */
    static CommandOptions parse(List<String> args, Set<String> knownFlags, Set<String> valuedOptions) {
        CommandOptions options = new CommandOptions();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (valuedOptions.contains(name)) {
                String value;
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(name + " needs a value");
                }
                options.values.add(new String[] {name, value});
            } else if (knownFlags.contains(arg)) {
                options.flags.add(arg);
            } else {
                throw new UsageException("unknown option '" + arg + "'");
            }
        }
        return options;
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    List<String> all(String option) {
        return values.stream().filter(v -> v[0].equals(option)).map(v -> v[1]).toList();
    }

    /** A command line that cannot be run as given; the message says what to change. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
