package io.llmgateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.redact.SecretRedactor;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/**
 * A short, privacy-safe description of how far a run has got, from the CLI's stdout lines: how many
 * lines and JSON events, how many tool calls and the name of the last tool. It never repeats text from
 * the output (which holds the prompt and the model's words): only counts, event types and tool names,
 * and a name that holds a secret (redacted whole, before it is cut) is shown as the replacement. Thread-safe.
 */
final class ProgressTracker {
    /** Lines longer than this are counted but not parsed (tool results can be megabytes). */
    private static final int MAX_PARSED_LINE = 64 * 1024;

    private static final int MAX_NAME = 64;

    private final ObjectMapper mapper;
    private final SecretRedactor redactor;
    /** The provider's reading of its CLI's events: the tool an event starts. */
    private final Function<JsonNode, Optional<String>> toolStarted;

    private long lines;
    private long events;
    private long toolCalls;
    private String lastEvent;
    private String lastTool;

    ProgressTracker(ObjectMapper mapper, SecretRedactor redactor, Function<JsonNode, Optional<String>> toolStarted) {
        this.mapper = mapper;
        this.redactor = redactor;
        this.toolStarted = toolStarted;
    }

    synchronized void onStdoutLine(String line) {
        lines++;
        if (line.length() > MAX_PARSED_LINE || !line.startsWith("{")) {
            return;
        }
        JsonNode event;
        try {
            event = mapper.readTree(line);
        } catch (IOException e) {
            return;
        }
        if (event == null || !event.isObject()) {
            return;
        }
        events++;
        String type = event.path("type").asText("");
        if (!type.isEmpty()) {
            lastEvent = safeName(type);
        }
        toolStarted.apply(event).ifPresent(tool -> {
            toolCalls++;
            lastTool = safeName(tool);
        });
    }

    /** e.g. "37 events, 4 tool calls, last tool Bash, last event assistant"; null before any output. */
    synchronized String line() {
        if (lines == 0) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        if (events > 0) {
            out.append(events).append(events == 1 ? " event" : " events");
            out.append(", ").append(toolCalls).append(toolCalls == 1 ? " tool call" : " tool calls");
            if (lastTool != null) {
                out.append(", last tool ").append(lastTool);
            }
            if (lastEvent != null) {
                out.append(", last event ").append(lastEvent);
            }
        } else {
            out.append(lines).append(lines == 1 ? " line of output" : " lines of output");
        }
        return out.toString();
    }

    /** Names only: identifier characters, bounded length; a name holding a secret is not shown. */
    private String safeName(String name) {
        if (redactor.containsSecret(name)) {
            return SecretRedactor.REPLACEMENT;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < MAX_NAME; i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':') {
                out.append(c);
            }
        }
        return out.length() == 0 ? "?" : out.toString();
    }
}
