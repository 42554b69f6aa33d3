package io.llmgateway.provider.cli;

import io.llmgateway.exec.ProcessOutcome;
import java.nio.file.Path;
import java.util.Optional;

/** What a login check may look at: the CLI itself (bounded by the probe timeout), the environment, the home directory. */
public interface StatusContext {
    /** Runs the CLI with {@code args}; empty when it did not finish within the probe timeout. */
    Optional<ProcessOutcome> run(String... args);

    /** A variable of the gateway's environment, when set and not blank. */
    Optional<String> env(String name);

    /** The user's home directory (HOME from the environment first). */
    Path home();
}
