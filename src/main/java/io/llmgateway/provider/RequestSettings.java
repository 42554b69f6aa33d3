package io.llmgateway.provider;

import io.llmgateway.config.CliCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the gateway runs provider CLIs, fixed at start-up.
 *
 * @param environment       the gateway's environment, passed through to every CLI
 * @param commands          the executable of each provider
 * @param defaultWorkingDir where a request runs when it names no directory and its session recorded none
 * @param maxOutputBytes    cap per output stream of one run
 * @param killGrace         between SIGTERM and SIGKILL when a run is stopped
 */
public record RequestSettings(
        Map<String, String> environment,
        CliCommands commands,
        Path defaultWorkingDir,
        long maxOutputBytes,
        Duration killGrace) {

    public RequestSettings {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(defaultWorkingDir, "defaultWorkingDir");
        Objects.requireNonNull(killGrace, "killGrace");
    }
}
