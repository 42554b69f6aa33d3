package io.llmgateway.job;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.llmgateway.core.ProviderId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * The Jackson configuration of the job files (and of the dedup key): providers and statuses by wire name,
 * instants in ISO-8601, paths as plain strings, durations in milliseconds, and records by their components
 * only (an {@code isAlive()} or {@code isUnknown()} is behaviour, not a field).
 */
final class JobJson {
    private JobJson() {}

    static ObjectMapper mapper(ObjectMapper base) {
        SimpleModule module = new SimpleModule("job-files");
        textual(
                module,
                ProviderId.class,
                ProviderId::wireName,
                text -> ProviderId.fromWireName(text)
                        .orElseThrow(() -> new IllegalArgumentException("unknown cli " + text)));
        textual(
                module,
                JobStatus.class,
                JobStatus::wireName,
                text -> JobStatus.fromWireName(text)
                        .orElseThrow(() -> new IllegalArgumentException("unknown status " + text)));
        textual(module, Instant.class, Instant::toString, Instant::parse);
        textual(module, Path.class, Path::toString, Path::of);
        module.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeNumber(value.toMillis());
            }
        });
        return base.copy()
                .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
                .registerModule(module);
    }

    private static <T> void textual(
            SimpleModule module, Class<T> type, Function<T, String> write, Function<String, T> read) {
        module.addSerializer(type, new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeString(write.apply(value));
            }
        });
        module.addDeserializer(type, new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser in, DeserializationContext context) throws IOException {
                try {
                    return read.apply(in.getValueAsString());
                } catch (RuntimeException e) {
                    return type.cast(context.handleWeirdStringValue(type, in.getValueAsString(), e.getMessage()));
                }
            }
        });
    }
}
