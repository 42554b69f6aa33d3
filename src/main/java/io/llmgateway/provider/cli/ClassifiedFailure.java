package io.llmgateway.provider.cli;

import io.llmgateway.core.ErrorCode;
import java.util.Objects;

/** A failed run as a provider classifies it: the error code and one sentence a person can act on. */
public record ClassifiedFailure(ErrorCode code, String message) {
    public ClassifiedFailure {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** The CLI is not logged in or its credentials were rejected; {@code said} is what the CLI reported. */
    public static ClassifiedFailure authRequired(ProviderCli provider, String said) {
        String name = provider.id().displayName();
        return new ClassifiedFailure(
                ErrorCode.AUTH_REQUIRED,
                name + " CLI is not logged in or its credentials were "
                        + "rejected: run " + provider.loginHint() + "."
                        + (said == null || said.isBlank()
                                ? ""
                                : " (" + name + " said: " + Excerpts.head(said.strip(), 300) + ")"));
    }
}
