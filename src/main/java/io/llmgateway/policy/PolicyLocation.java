package io.llmgateway.policy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the policy file is.
 *
 * @param required true when {@code $LLM_GATEWAY_POLICY} names the file: then a missing file is an
 *                 error rather than "no policy", so a typo in the variable cannot switch the policy off
 */
public record PolicyLocation(Path path, boolean required) {
    public static final String ENV_VARIABLE = "LLM_GATEWAY_POLICY";
    public static final String DEFAULT_NAME = "policy.json";

    public PolicyLocation {
        Objects.requireNonNull(path, "path");
    }

    /** {@code $LLM_GATEWAY_POLICY} if set, else {@code <dataDir>/policy.json} (optional). */
    public static PolicyLocation resolve(Map<String, String> env, Path dataDir) {
        String explicit = env.get(ENV_VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            return new PolicyLocation(Path.of(explicit).toAbsolutePath().normalize(), true);
        }
        return new PolicyLocation(dataDir.resolve(DEFAULT_NAME), false);
    }

    /** The message for a required file that is missing; names the file, not the variable's value. */
    String missingMessage() {
        return path.getFileName() + ": the policy file named by " + ENV_VARIABLE + " does not exist";
    }
}
