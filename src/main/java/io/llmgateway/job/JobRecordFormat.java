package io.llmgateway.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** The JSON of job.json and exit.json. Field names are the file format: add, never rename. */
final class JobRecordFormat {
    static final int FORMAT = 1;
    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    JobRecordFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    byte[] write(JobRecord r) {
        ObjectNode node = mapper.createObjectNode();
        node.put("format", FORMAT);
        node.put("id", r.id());
        node.put("cli", r.cli().wireName());
        node.put("status", r.status().wireName());
        node.put("deferred", r.deferred());
        node.put("createdAt", r.createdAt().toString());
        node.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
        node.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
        node.put("sessionId", r.sessionId());
        node.put("correlationId", r.correlationId());
        node.put("workingDir", r.workingDir());
        node.put("dedupKey", r.dedupKey());
        node.set("context", mapper.valueToTree(r.context()));
        if (r.runner() == null) {
            node.putNull("runner");
        } else {
            node.putObject("runner").put("pid", r.runner().pid()).put("startMillis", r.runner().startMillis())
                    .put("machine", r.runner().machine());
        }
        node.put("cancelRequested", r.cancelRequested());
        node.put("exitCode", r.exitCode());
        node.set("result", r.result() == null ? null : mapper.valueToTree(r.result()));
        if (r.error() == null) {
            node.putNull("error");
        } else {
            node.putObject("error").put("code", r.error().code()).put("message", r.error().message())
                    .set("details", mapper.valueToTree(r.error().details()));
        }
        if (r.owner() != null) {
            node.put("grant", r.owner());
        }
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job record is not serialisable", e);
        }
    }

    /** Parses a record; IOException when the bytes are not a job record this version understands. */
    JobRecord read(byte[] bytes) throws IOException {
        JsonNode node = mapper.readTree(bytes);
        if (node == null || !node.isObject() || node.path("format").asInt(-1) != FORMAT) {
            throw new IOException("not a job record of format " + FORMAT);
        }
        try {
            JsonNode runner = node.path("runner");
            JsonNode error = node.path("error");
            return new JobRecord(
                    text(node, "id"),
                    ProviderId.fromWireName(text(node, "cli")).orElseThrow(() -> new IOException("unknown cli")),
                    JobStatus.fromWireName(text(node, "status")).orElseThrow(() -> new IOException("unknown status")),
                    node.path("deferred").asBoolean(false),
                    instant(node, "createdAt"),
                    instant(node, "startedAt"),
                    instant(node, "finishedAt"),
                    text(node, "sessionId"),
                    text(node, "correlationId"),
                    text(node, "workingDir"),
                    text(node, "dedupKey"),
                    node.path("context").isObject() ? mapper.convertValue(node.get("context"), STRING_MAP) : Map.of(),
                    runner.isObject() ? new ProcessRef(runner.path("pid").asLong(), runner.path("startMillis").asLong(),
                            text(runner, "machine")) : null,
                    node.path("cancelRequested").asBoolean(false),
                    node.path("exitCode").isIntegralNumber() ? node.get("exitCode").asInt() : null,
                    node.path("result").isObject() ? mapper.convertValue(node.get("result"), OBJECT_MAP) : null,
                    error.isObject() ? new JobRecord.JobError(text(error, "code"), text(error, "message"),
                            error.path("details").isObject() ? mapper.convertValue(error.get("details"), OBJECT_MAP) : Map.of())
                            : null,
                    owner(node));
        } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            throw new IOException("malformed job record: " + e.getMessage());
        }
    }

    ExitReport readExit(byte[] bytes) throws IOException {
        JsonNode node = mapper.readTree(bytes);
        if (node == null || !node.isObject()) {
            throw new IOException("exit.json is not a JSON object");
        }
        return new ExitReport(
                node.path("exitCode").isIntegralNumber() ? node.get("exitCode").asInt() : null,
                text(node, "termination"),
                node.path("durationMs").asLong(0),
                node.path("stdoutTruncated").asBoolean(false),
                node.path("stderrTruncated").asBoolean(false),
                text(node, "startError"),
                node.path("pid").asLong(0),
                text(node, "runId"));
    }

    /** Absent in records written over stdio and before grants existed: those belong to {@code local}. */
    private static String owner(JsonNode node) throws IOException {
        String owner = text(node, "grant");
        if (owner != null && (!Principal.isValidName(owner) || Principal.LOCAL_NAME.equals(owner))) {
            throw new IOException("malformed job record: grant is not a grant name");
        }
        return owner;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        return value == null ? null : Instant.parse(value);
    }
}
