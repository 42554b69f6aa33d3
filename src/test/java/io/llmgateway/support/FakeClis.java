package io.llmgateway.support;

import io.llmgateway.core.ProviderId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake provider CLIs (bash scripts under src/test/resources/io/llmgateway/provider/fake) and the
 * environment that makes the gateway run them. Each fake keeps its conversations in a state directory
 * and records its last call there (arguments, working directory, stdin, environment).
 */
public final class FakeClis {
    private final Path scripts;
    private final Path state;

    private FakeClis(Path scripts, Path state) {
        this.scripts = scripts;
        this.state = state;
    }

    public static FakeClis in(Path state) {
        try {
            Path scripts = Path.of(FakeClis.class
                            .getResource("/io/llmgateway/provider/fake/claude")
                            .toURI())
                    .getParent();
            // Maven copies resources without their executable bit; `agy` is the name the original runs Gemini by.
            for (String name : java.util.stream.Stream.concat(
                            java.util.Arrays.stream(ProviderId.values()).map(ProviderId::defaultCommand),
                            java.util.stream.Stream.of("agy"))
                    .toList()) {
                Files.setPosixFilePermissions(scripts.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return new FakeClis(scripts, state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A gateway environment whose every LLM_GATEWAY_<PROVIDER>_COMMAND names its fake. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("FAKE_CLI_STATE", state.toString());
        for (ProviderId cli : ProviderId.values()) {
            env.put(cli.commandOverrideVariable(), executable(cli).toString());
        }
        return env;
    }

    /**
     * {@link #environment()} with claude behind slow-cli: the prompt words {@code SLOW=<seconds>} and
     * {@code LINES=<n>} make it run that long and print that many events first.
     */
    public Map<String, String> environmentWithSlowClaude() {
        try {
            Path slow = Path.of(
                    FakeClis.class.getResource("/io/llmgateway/job/slow-cli").toURI());
            Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> env = environment();
            env.put(ProviderId.CLAUDE.commandOverrideVariable(), slow.toString());
            env.put("SLOW_CLI_TARGET", executable(ProviderId.CLAUDE).toString());
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path executable(ProviderId cli) {
        return scripts.resolve(cli.defaultCommand());
    }

    public boolean hasRun(ProviderId cli) {
        return Files.exists(state.resolve(cli.wireName() + ".args"));
    }

    /** The arguments of the provider's last call. */
    public List<String> lastArgs(ProviderId cli) {
        String raw = read(cli, "args");
        return raw.isEmpty()
                ? List.of()
                : Arrays.asList(raw.substring(0, raw.length() - 1).split("\0", -1));
    }

    public Path lastWorkingDir(ProviderId cli) {
        return Path.of(read(cli, "cwd").strip());
    }

    public String lastStdin(ProviderId cli) {
        return read(cli, "stdin");
    }

    /** The environment of the last call, as `env` printed it. */
    public String lastEnvironment(ProviderId cli) {
        return read(cli, "env");
    }

    /** A file a fake wrote into the state directory. */
    public String stateFile(String name) {
        try {
            return Files.readString(state.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String read(ProviderId cli, String what) {
        return stateFile(cli.wireName() + "." + what);
    }
}
