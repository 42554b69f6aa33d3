package io.llmgateway.provider.cli;

import io.llmgateway.provider.api.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * What a provider's parser read from a CLI's output. Any field may be missing (null) when the CLI did
 * not print it, e.g. after a crash or a timeout.
 *
 * @param response        the reply text
 * @param nativeSessionId the provider's own session id
 * @param model           the model that answered, as the CLI names it
 * @param costUsd         what the request cost, when the CLI reports it
 * @param error           the provider's own error message, when the CLI reported a failure in its output
 * @param warnings        things worth telling the caller even on success (e.g. denied tool calls)
 */
public record ParsedOutput(
        String response,
        String nativeSessionId,
        String model,
        Usage usage,
        Double costUsd,
        String error,
        List<String> warnings) {

    public ParsedOutput {
        usage = usage == null ? Usage.UNKNOWN : usage;
        warnings = List.copyOf(warnings);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parsers fill this in as they read events; later values replace earlier ones. */
    public static final class Builder {
        private String response;
        private String nativeSessionId;
        private String model;
        private Usage usage = Usage.UNKNOWN;
        private Double costUsd;
        private String error;
        private final List<String> warnings = new ArrayList<>();

        public Builder response(String value) {
            response = value;
            return this;
        }

        public Builder nativeSessionId(String value) {
            if (value != null && !value.isBlank()) {
                nativeSessionId = value;
            }
            return this;
        }

        public Builder model(String value) {
            if (value != null && !value.isBlank()) {
                model = value;
            }
            return this;
        }

        public Builder usage(Usage value) {
            usage = value;
            return this;
        }

        public Builder costUsd(Double value) {
            costUsd = value;
            return this;
        }

        public Builder error(String value) {
            if (value != null && !value.isBlank()) {
                error = value;
            }
            return this;
        }

        public Builder warning(String value) {
            warnings.add(value);
            return this;
        }

        public String model() {
            return model;
        }

        public ParsedOutput build() {
            return new ParsedOutput(response, nativeSessionId, model, usage, costUsd, error, warnings);
        }
    }
}
