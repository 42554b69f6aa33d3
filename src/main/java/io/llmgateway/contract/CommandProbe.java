package io.llmgateway.contract;

import java.util.List;

/**
 * One command's installed help compared with its contract.
 *
 * @param available  the help ran and exited by itself (false: not started, or stopped at the time limit)
 * @param exitCode   its exit status, or null when it did not exit by itself
 * @param extra      flags the installed help declares and the contract does not
 * @param missing    contract flags the installed help no longer declares
 * @param helpHash   SHA-256 of the help output (stdout, a newline, stderr), or null
 */
public record CommandProbe(
        List<String> commandPath,
        String summary,
        boolean available,
        Integer exitCode,
        List<String> discovered,
        List<String> extra,
        List<String> missing,
        String helpHash,
        List<String> warnings) {
    public CommandProbe {
        commandPath = List.copyOf(commandPath);
        discovered = List.copyOf(discovered);
        extra = List.copyOf(extra);
        missing = List.copyOf(missing);
        warnings = List.copyOf(warnings);
    }

    /** Help that ran but failed cannot be trusted to list the flags. */
    public boolean helpExitedNonzero() {
        return !available || exitCode == null || exitCode != 0;
    }

    public boolean drifted() {
        return helpExitedNonzero() || !extra.isEmpty() || !missing.isEmpty();
    }
}
