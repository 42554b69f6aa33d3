package io.llmgateway.contract;

import java.util.List;

/**
 * The help surface of one command of a CLI, as the gateway was built against it.
 *
 * @param commandPath the subcommand words ({@code []} for the CLI itself, {@code [mcp, add]})
 * @param summary     the help text's first line of prose, or null
 * @param flags       the long flags the help declares, sorted
 */
public record CommandContract(List<String> commandPath, String summary, List<String> flags) {
    public CommandContract {
        commandPath = List.copyOf(commandPath);
        flags = List.copyOf(flags);
    }

    /** The words run to show this command's help: the path, then {@code --help}. */
    public List<String> helpArgs() {
        return java.util.stream.Stream.concat(commandPath.stream(), java.util.stream.Stream.of("--help"))
                .toList();
    }

    public String key() {
        return String.join(" ", commandPath);
    }
}
