package io.llmgateway.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one Jackson configuration the gateway uses: compact output (never INDENT_OUTPUT on the wire). */
public final class Json {
    private Json() {}

    /** A new mapper; ObjectMapper is thread-safe once configured, so callers may share one. */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .disable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.ALWAYS);
    }
}
