package io.llmgateway.provider.cli;

import io.llmgateway.core.Principal;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.ProviderOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Test fixtures: CLI output samples and requests. */
public final class Samples {
    private Samples() {}

    /** A file under src/test/resources/cli-samples. */
    public static String read(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/cli-samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CanonicalRequest request(
            ProviderCli provider, String prompt, Continuation continuation, Map<String, Object> options) {
        return request(provider, prompt, null, continuation, options);
    }

    public static CanonicalRequest request(
            ProviderCli provider, String prompt, String model, Continuation continuation, Map<String, Object> options) {
        return new CanonicalRequest(
                prompt,
                model,
                null,
                continuation.isResume() ? continuation.nativeSessionId() : null,
                false,
                continuation.kind() == Continuation.Kind.LATEST,
                Path.of("/tmp"),
                Duration.ofMinutes(30),
                Duration.ofMinutes(10),
                null,
                ProviderOptions.of(provider.options(), options),
                Principal.LOCAL,
                null);
    }
}
