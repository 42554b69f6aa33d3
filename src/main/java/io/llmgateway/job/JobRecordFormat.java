package io.llmgateway.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.job.supervisor.ExitReport;
import java.io.IOException;

/**
 * The JSON of job.json and exit.json. Field names are the file format: add, never rename. A job.json is
 * its {@link JobRecord} as Jackson writes it (see {@link JobJson}) plus {@code format}; the shape is the one
 * 0.1.0 wrote, so records survive an upgrade and gateways of either version can share a data directory.
 */
final class JobRecordFormat {
    static final int FORMAT = 1;

    private final ObjectMapper mapper;

    JobRecordFormat(ObjectMapper mapper) {
        this.mapper = JobJson.mapper(mapper);
    }

    byte[] write(JobRecord r) {
        ObjectNode node = mapper.createObjectNode();
        node.put("format", FORMAT);
        node.setAll((ObjectNode) mapper.valueToTree(r));
        if (r.result() != null) {
            // 0.1.0 stored the sync tool's result as it was, success first; it still reads it that way.
            ObjectNode result = mapper.createObjectNode().put("success", true);
            result.setAll((ObjectNode) node.get("result"));
            node.set("result", result);
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
            return mapper.treeToValue(node, JobRecord.class);
        } catch (JsonProcessingException e) {
            throw new IOException("malformed job record: " + e.getOriginalMessage(), e);
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
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
