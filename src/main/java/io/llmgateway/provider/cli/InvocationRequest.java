package io.llmgateway.provider.cli;

import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.ProviderOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A validated request as a provider's argv builder sees it.
 *
 * @param model      the requested model, or null for the CLI's default
 * @param workingDir the directory the CLI runs in
 */
public record InvocationRequest(String prompt, String model, ProviderOptions options, Continuation continuation,
        Path workingDir) {

    public InvocationRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(continuation, "continuation");
        Objects.requireNonNull(workingDir, "workingDir");
    }

    /** What the argv builder sees of a canonical request. */
    public static InvocationRequest of(CanonicalRequest request) {
        return new InvocationRequest(request.prompt(), request.model(), request.options(), request.continuation(),
                request.workingDir());
    }
}
