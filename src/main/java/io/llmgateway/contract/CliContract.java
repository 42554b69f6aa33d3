package io.llmgateway.contract;

import io.llmgateway.core.ProviderId;
import java.util.List;
import java.util.Optional;

/**
 * One provider CLI's contract: the help surfaces of its commands at the version the gateway was built against.
 *
 * @param executable the command the help texts were read from
 * @param version    that CLI's version
 * @param commands   the CLI itself first (empty path), then its subcommands in path order
 */
public record CliContract(ProviderId cli, String executable, String version, List<CommandContract> commands) {
    public CliContract {
        commands = List.copyOf(commands);
    }

    public Optional<CommandContract> command(List<String> commandPath) {
        return commands.stream()
                .filter(c -> c.commandPath().equals(commandPath))
                .findFirst();
    }

    /** The commands one word below {@code parent}. */
    public List<CommandContract> children(List<String> parent) {
        return commands.stream()
                .filter(c -> c.commandPath().size() == parent.size() + 1
                        && c.commandPath().subList(0, parent.size()).equals(parent))
                .toList();
    }
}
