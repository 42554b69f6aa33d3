package io.llmgateway.exec;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.util.Map;

/**
 * The command's executable could not be resolved, detected before anything was spawned. It already
 * carries {@code cli_not_found}; the provider layer usually replaces the message with one naming the
 * provider's {@code LLM_GATEWAY_<PROVIDER>_COMMAND} variable.
 */
public final class ExecutableNotFoundException extends GatewayException {
    private final String command;

    ExecutableNotFoundException(String command, String message) {
        super(ErrorCode.CLI_NOT_FOUND, message, Map.of("command", command));
        this.command = command;
    }

    /** The executable as given in the spec (a bare name or a path). */
    public String command() {
        return command;
    }
}
