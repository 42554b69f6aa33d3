package io.llmgateway.exec;

import io.llmgateway.core.GatewayException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Size limits checked before anything is spawned, so that an oversize or malformed request fails with
 * a clear {@code invalid_argument} instead of an obscure spawn error (E2BIG) or a truncated prompt.
 *
 * @param maxStdinChars    longest stdin text (the prompt), in characters
 * @param maxArgumentBytes longest single argument in UTF-8 bytes
 * @param maxArgvBytes     largest total of all arguments in UTF-8 bytes, one terminator each included
 */
public record InputLimits(int maxStdinChars, int maxArgumentBytes, long maxArgvBytes) {

    /**
     * 1,000,000 prompt characters (the gateway contract); 131,071 bytes per argument because Linux's
     * MAX_ARG_STRLEN is 128 KiB including the terminating NUL; 1 MiB for all arguments, well inside
     * ARG_MAX, which the environment shares.
     */
    public static final InputLimits DEFAULTS = new InputLimits(1_000_000, 128 * 1024 - 1, 1024 * 1024);

    public InputLimits {
        if (maxStdinChars <= 0 || maxArgumentBytes <= 0 || maxArgvBytes <= 0) {
            throw new IllegalArgumentException("input limits must be positive");
        }
    }

    /**
     * Checks a command before anything is spawned and resolves its executable on the PATH of {@code environment}
     * (ProcessBuilder would search this JVM's): throws {@code invalid_argument} naming the first problem
     * (argument values are never echoed), or {@link ExecutableNotFoundException}.
     *
     * @param stdinText the text the child reads on stdin; null when it reads none (or a file)
     * @return the command with its executable replaced by the resolved path
     */
    List<String> checkedCommand(
            List<String> command, Map<String, String> environment, Path workingDir, String stdinText) {
        checkCommand(command);
        checkEnvironment(environment);
        checkStdin(stdinText);
        if (!Files.isDirectory(workingDir)) {
            throw GatewayException.invalidArgument(
                    "Working directory " + workingDir + " does not exist or is not a directory.");
        }
        List<String> argv = new ArrayList<>(command);
        argv.set(
                0,
                ExecutableResolver.resolve(command.get(0), environment, workingDir)
                        .toString());
        return argv;
    }

    private void checkCommand(List<String> command) {
        if (command.get(0).isBlank()) {
            throw GatewayException.invalidArgument("The command to run is empty.");
        }
        long total = 0;
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            if (arg.indexOf('\0') >= 0) {
                throw GatewayException.invalidArgument(
                        "Argument " + i + " of the command contains a NUL character, which a process cannot receive.");
            }
            int bytes = arg.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxArgumentBytes) {
                throw GatewayException.invalidArgument("Argument " + i + " of the command is " + bytes
                        + " bytes; one argument may be at most " + maxArgumentBytes
                        + " bytes (send long prompts on stdin).");
            }
            total += bytes + 1L;
        }
        if (total > maxArgvBytes) {
            throw GatewayException.invalidArgument("The command's arguments total " + total + " bytes; at most "
                    + maxArgvBytes + " bytes are allowed.");
        }
    }

    private static void checkEnvironment(Map<String, String> environment) {
        for (Map.Entry<String, String> entry : environment.entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw GatewayException.invalidArgument(
                        "An environment variable name is empty or contains '=' or a NUL character.");
            }
            if (entry.getValue().indexOf('\0') >= 0) {
                throw GatewayException.invalidArgument(
                        "The value of environment variable " + name + " contains a NUL character.");
            }
        }
    }

    private void checkStdin(String stdin) {
        if (stdin == null) {
            return;
        }
        if (stdin.length() > maxStdinChars) {
            throw GatewayException.invalidArgument(
                    "The prompt is " + stdin.length() + " characters; at most " + maxStdinChars + " are allowed.");
        }
        if (stdin.indexOf('\0') >= 0) {
            throw GatewayException.invalidArgument("The prompt contains a NUL character, which is not allowed.");
        }
    }
}
