package io.llmgateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns gateway tools into SDK tool specifications: gives every call a normaliser that validates the
 * arguments (schema violations become JSON-RPC -32602) and builds the tool's canonical request, maps
 * GatewayException to {@code isError} results, and wraps the configured decorators around every handler
 * (first decorator outermost). A decorator that needs the canonical request (the policy) normalises the
 * call itself; otherwise the innermost handler does, just before the tool runs. The caller (grant) and the
 * call's cancel signal come from the transport's context ({@link CallerContext}).
 */
public final class McpToolBinding {
    private static final Logger log = LoggerFactory.getLogger(McpToolBinding.class);
    /** The transport context entry holding the call's {@link io.llmgateway.core.CancelSignal} (see {@link CallerContext}). */
    public static final String CANCEL_SIGNAL = "io.llmgateway.cancelSignal";

    private final ObjectMapper mapper;
    private final JsonSchemaSubset validator;
    private final List<ToolDecorator> decorators;
    private final AtomicInteger inFlight = new AtomicInteger();

    public McpToolBinding(ObjectMapper mapper, JsonSchemaSubset validator, List<ToolDecorator> decorators) {
        this.mapper = mapper;
        this.validator = validator;
        this.decorators = List.copyOf(decorators);
    }

    public McpServerFeatures.SyncToolSpecification bind(GatewayTool tool) {
        JsonSchemaSubset.requireCheckable(tool.definition().inputSchema(), tool.name() + " input");
        JsonSchemaSubset.requireCheckable(tool.definition().outputSchema(), tool.name() + " output");
        ToolHandler handler = decorate(tool.definition(), innermost(tool));
        ArgumentNormaliser normaliser = validating(tool);
        McpSchema.Tool mcpTool = tool.definition().toMcpTool();
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(mcpTool)
                .callHandler((exchange, request) -> {
                    try {
                        return toMcp(invoke(handler, tool.name(), normaliser, exchange, request));
                    } catch (McpError e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw InternalErrors.exception("in tool " + tool.name(), e);
                    }
                })
                .build();
    }

    /** The handler every decorator wraps: the tool on the canonical call, then error mapping. */
    ToolHandler innermost(GatewayTool tool) {
        return call -> {
            try {
                return tool.handler().handle(call.canonical());
            } catch (GatewayException e) {
                return ToolResult.error(e);
            } catch (InvalidParamsException e) {
                throw e;
            } catch (RuntimeException e) {
                return ToolResult.error(internalError(tool.name(), e));
            }
        };
    }

    /** Schema validation, then the tool's own normaliser; a bug in the latter is an internal error, as in the tool. */
    private ArgumentNormaliser validating(GatewayTool tool) {
        Map<String, Object> inputSchema = tool.definition().inputSchema();
        ArgumentNormaliser normaliser = tool.normaliser();
        return ArgumentNormaliser.of(
                (sent, caller) -> {
                    String problem = validator.firstProblem(inputSchema, sent.asMap(), "");
                    if (problem != null) {
                        throw new InvalidParamsException("Invalid arguments for " + tool.name() + ": " + problem);
                    }
                    try {
                        return normaliser.canonical(sent, caller);
                    } catch (GatewayException | InvalidParamsException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw internalError(tool.name(), e);
                    }
                },
                normaliser.identity());
    }

    /** Says only that it is internal; the correlation id finds the logged stack trace. */
    private static GatewayException internalError(String toolName, RuntimeException e) {
        String correlationId = InternalErrors.log("in tool " + toolName, e);
        return new GatewayException(
                ErrorCode.INTERNAL_ERROR,
                InternalErrors.message(correlationId),
                Map.of(InternalErrors.CORRELATION_ID, correlationId));
    }

    private ToolHandler decorate(ToolDefinition definition, ToolHandler handler) {
        ToolHandler current = handler;
        for (int i = decorators.size() - 1; i >= 0; i--) {
            current = decorators.get(i).decorate(definition, current);
        }
        return current;
    }

    /** Tool calls being handled now, over every transport (a load figure). */
    public int inFlightCalls() {
        return inFlight.get();
    }

    private ToolResult invoke(
            ToolHandler handler,
            String toolName,
            ArgumentNormaliser normaliser,
            McpSyncServerExchange exchange,
            McpSchema.CallToolRequest request) {
        ProgressReporter progress = progressFor(exchange, request);
        inFlight.incrementAndGet();
        try {
            return handler.handle(new ToolCall(
                    toolName,
                    new Arguments(request.arguments()),
                    normaliser,
                    progress,
                    CallerContext.cancelSignal(exchange.transportContext()),
                    CallerContext.principal(exchange.transportContext())));
        } catch (InvalidParamsException e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(
                    McpSchema.ErrorCodes.INVALID_PARAMS, e.getMessage(), null));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static ProgressReporter progressFor(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Object token = request.meta() == null ? null : request.meta().get("progressToken");
        if (token == null || exchange == null) {
            return ProgressReporter.NONE;
        }
        return (progress, total, message) -> {
            try {
                exchange.progressNotification(new McpSchema.ProgressNotification(token, progress, total, message));
            } catch (RuntimeException e) {
                log.debug("progress notification failed: {}", e.toString());
            }
        };
    }

    private McpSchema.CallToolResult toMcp(ToolResult result) {
        String text = result.text();
        if (text == null) {
            try {
                text = mapper.writeValueAsString(result.structured());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unserialisable tool result", e);
            }
        }
        return McpSchema.CallToolResult.builder()
                .addTextContent(text)
                .structuredContent(result.structured())
                .isError(result.isError())
                .build();
    }
}
