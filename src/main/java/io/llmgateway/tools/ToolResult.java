package io.llmgateway.tools;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tool returns: structured content (declared by the tool's outputSchema) plus the text block
 * clients that ignore structured content read. {@code text == null} means "the compact JSON of
 * structured", filled in by the binding.
 */
public record ToolResult(Map<String, Object> structured, String text, boolean isError) {

    public ToolResult {
        Objects.requireNonNull(structured, "structured");
    }

    public static ToolResult success(Map<String, Object> structured) {
        return new ToolResult(structured, null, false);
    }

    /** A success whose text block is a human reply (e.g. the model's answer) rather than JSON. */
    public static ToolResult success(Map<String, Object> structured, String text) {
        return new ToolResult(structured, text, false);
    }

    public static ToolResult error(ErrorCode code, String message) {
        return error(new GatewayException(code, message));
    }

    public static ToolResult error(GatewayException e) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("success", false);
        content.put("error", e.getMessage());
        content.put("errorCode", e.code().wireName());
        originalCategory(e.code()).ifPresent(category -> content.put("errorCategory", category));
        e.details().forEach(content::putIfAbsent);
        return new ToolResult(content, null, true);
    }

    /**
     * The original gateway's {@code errorCategory} of a failed CLI run, which its clients branch on; errors that
     * are not about running a CLI have none.
     */
    static Optional<String> originalCategory(ErrorCode code) {
        return Optional.ofNullable(
                switch (code) {
                    case TIMEOUT -> "timeout";
                    case IDLE_TIMEOUT -> "idle_timeout";
                    case CLI_NOT_FOUND -> "spawn_error";
                    case CLI_ERROR -> "cli_error";
                    case AUTH_REQUIRED -> "auth_error";
                    case OUTPUT_TOO_LARGE -> "output_overflow";
                    default -> null;
                });
    }

    public String errorCode() {
        Object code = structured.get("errorCode");
        return isError && code != null ? code.toString() : null;
    }
}
