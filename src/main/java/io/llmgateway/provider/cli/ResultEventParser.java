package io.llmgateway.provider.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.provider.api.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the event format Claude Code introduced and Cursor Agent copied: {@code --output-format json}
 * (one {@code type:"result"} object) or {@code stream-json} ({@code system/init}, {@code assistant}
 * messages, ..., a final {@code result}). Keys: {@code session_id}, {@code model}, {@code result},
 * {@code is_error}, {@code usage}, {@code total_cost_usd}.
 */
final class ResultEventParser {
    private ResultEventParser() {}

    /** The tool an event starts: an {@code assistant} message with a {@code tool_use} block. */
    static Optional<String> toolStarted(JsonNode event) {
        if (!"assistant".equals(JsonScan.text(event, "type"))) {
            return Optional.empty();
        }
        for (JsonNode block : event.path("message").path("content")) {
            if ("tool_use".equals(block.path("type").asText())) {
                return Optional.ofNullable(JsonScan.firstText(block, "name"));
            }
        }
        return Optional.empty();
    }

    /** Reads the events; {@code onResult} also sees each result event, for provider-specific fields. */
    static ParsedOutput.Builder parse(String stdout, Consumer<JsonNode> onResult) {
        ParsedOutput.Builder out = ParsedOutput.builder();
        List<String> assistantTexts = new ArrayList<>();
        boolean resultSeen = false;
        for (JsonNode event : JsonScan.objects(stdout)) {
            String type = JsonScan.text(event, "type");
            if ("system".equals(type) && "init".equals(JsonScan.text(event, "subtype"))) {
                out.nativeSessionId(JsonScan.text(event, "session_id"));
                out.model(JsonScan.text(event, "model"));
            } else if ("assistant".equals(type)) {
                String text = messageText(event.path("message"));
                if (!text.isEmpty()) {
                    assistantTexts.add(text);
                }
            } else if ("result".equals(type)) {
                resultSeen = true;
                readResult(event, out);
                onResult.accept(event);
            }
        }
        if (!resultSeen && !assistantTexts.isEmpty()) {
            // No final result (the run was stopped or crashed): what the assistant said so far.
            out.response(String.join("\n\n", assistantTexts));
        }
        return out;
    }

    private static void readResult(JsonNode result, ParsedOutput.Builder out) {
        out.nativeSessionId(JsonScan.text(result, "session_id"));
        String text = JsonScan.text(result, "result");
        if (result.path("is_error").asBoolean(false)) {
            String subtype = JsonScan.text(result, "subtype");
            out.error(text != null && !text.isBlank() ? text : "the run ended with " + subtype);
        } else {
            out.response(text == null ? "" : text);
        }
        JsonNode usage = result.get("usage");
        if (usage != null && usage.isObject()) {
            out.usage(new Usage(
                    JsonScan.count(usage, "input_tokens"),
                    JsonScan.count(usage, "output_tokens"),
                    JsonScan.count(usage, "cache_read_input_tokens"),
                    JsonScan.count(usage, "cache_creation_input_tokens")));
        }
        out.costUsd(JsonScan.number(result, "total_cost_usd"));
        if (out.model() == null && result.path("modelUsage").isObject()) {
            result.path("modelUsage").fieldNames().forEachRemaining(out::model);
        }
    }

    /** The text blocks of an assistant message, joined. */
    private static String messageText(JsonNode message) {
        StringBuilder text = new StringBuilder();
        for (JsonNode block : message.path("content")) {
            if ("text".equals(JsonScan.text(block, "type")) && block.hasNonNull("text")) {
                text.append(block.get("text").asText());
            }
        }
        return text.toString();
    }
}
