package io.llmgateway.contract;

import io.llmgateway.core.ProviderId;
import java.time.Instant;
import java.util.List;

/**
 * An installed CLI's help surfaces compared with its contract.
 *
 * @param command  the command the gateway runs for this provider (its override variable honoured)
 * @param path     where it was found, or null
 * @param detail   why nothing was probed, or null
 * @param commands one probe per contract command, in contract order (empty unless {@code PROBED})
 */
public record InstalledProbe(
        ProviderId cli,
        String command,
        Status status,
        String path,
        String contractVersion,
        List<CommandProbe> commands,
        String detail,
        Instant probedAt) {
    public InstalledProbe {
        commands = List.copyOf(commands);
    }

    public enum Status {
        PROBED("probed"),
        NOT_INSTALLED("not_installed"),
        NO_CONTRACT("no_contract");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public boolean drifted() {
        return commands.stream().anyMatch(CommandProbe::drifted);
    }
}
