package io.llmgateway.transport;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.core.CancelSignal;
import io.llmgateway.core.Principal;
import io.llmgateway.tools.CallerContext;
import io.llmgateway.tools.InternalErrors;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Newline-delimited JSON-RPC over stdio, replacing the SDK's stdio provider (see docs/ARCHITECTURE.md):
 * a malformed line gets -32700 and the session goes on; a non-request gets -32600; an over-long line is
 * skipped with an error; on stdin EOF in-flight responses are still written (up to a drain deadline)
 * before {@link #awaitTermination()} returns; requests before initialization are answered, never parked;
 * malformed params get -32602 before the SDK sees them; ids come back exactly as sent; notifications/cancelled
 * stops the request it names, which then gets no response; an internal error says only that, with a
 * correlation id for the log. The protocol itself (initialize, tools/list, tools/call, ...) stays in the SDK's
 * {@link McpServerSession}.
 */
public final class StdioJsonRpcTransport implements McpServerTransportProvider {
    private static final Logger log = LoggerFactory.getLogger(StdioJsonRpcTransport.class);
    private static final String METHOD_NOTIFICATION_CANCELLED = "notifications/cancelled";
    private static final int MAX_LOGGED_REASON = 200;

    private final McpJsonMapper mcpMapper;
    private final ObjectMapper objectMapper;
    private final InputStream in;
    private final OutputStream out;
    private final int maxLineBytes;
    private final Duration drainTimeout;

    private final Object writeLock = new Object();
    private final InFlightRequests inFlight = new InFlightRequests();
    private final AtomicBoolean outputClosed = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final SessionTransport sessionTransport = new SessionTransport();

    private volatile McpServerSession session;
    // Written only by the reader thread.
    private boolean initializeSeen;
    private boolean initializedDelivered;

    public StdioJsonRpcTransport(
            McpJsonMapper mcpMapper,
            ObjectMapper objectMapper,
            InputStream in,
            OutputStream out,
            int maxLineBytes,
            Duration drainTimeout) {
        this.mcpMapper = Objects.requireNonNull(mcpMapper);
        this.objectMapper = Objects.requireNonNull(objectMapper);
        this.in = Objects.requireNonNull(in);
        this.out = Objects.requireNonNull(out);
        if (maxLineBytes < 1024) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1024");
        }
        this.maxLineBytes = maxLineBytes;
        this.drainTimeout = Objects.requireNonNull(drainTimeout);
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        this.session = sessionFactory.create(sessionTransport);
    }

    /** Starts the stdin reader on a daemon thread; call once, after the server was built. */
    public void start() {
        if (session == null) {
            throw new IllegalStateException("no session factory: build the McpServer first");
        }
        Thread reader = new Thread(this::readLoop, "stdio-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Blocks until stdin ended and in-flight responses were written (or the drain deadline passed). */
    public void awaitTermination() throws InterruptedException {
        try {
            terminated.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        try {
            terminated.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession current = session;
        return current == null ? Mono.empty() : current.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> terminated.complete(null));
    }

    private void readLoop() {
        LineReader lines = new LineReader(in, maxLineBytes);
        try {
            while (true) {
                LineReader.Line line = lines.next();
                if (line == null) {
                    break;
                }
                if (line.tooLong()) {
                    writeError(
                            null,
                            invalidRequest("Request too large: line exceeds " + maxLineBytes
                                    + " bytes (LLM_GATEWAY_MAX_LINE_BYTES); it was skipped"));
                    continue;
                }
                try {
                    handleLine(line.bytes());
                } catch (RuntimeException e) {
                    writeError(null, InternalErrors.error(InternalErrors.log("handling an incoming line", e)));
                }
            }
        } catch (IOException e) {
            log.debug("stdin closed: {}", e.toString());
        } catch (RuntimeException e) {
            log.error("stdin reader failed unexpectedly: {}", e.toString());
        }
        drainThenTerminate();
    }

    private void drainThenTerminate() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (inFlight.size() > 0 && System.nanoTime() < deadline && !outputClosed.get()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.size() > 0) {
            log.warn("stdin closed with {} request(s) still running; exiting without their responses", inFlight.size());
        }
        terminated.complete(null);
    }

    void handleLine(byte[] bytes) {
        if (isBlank(bytes)) {
            return;
        }
        JsonNode node;
        try {
            node = objectMapper.readTree(bytes);
        } catch (StreamConstraintsException e) {
            StreamReadConstraints limits = objectMapper.getFactory().streamReadConstraints();
            writeError(
                    null,
                    invalidRequest(String.format(
                            Locale.ROOT,
                            "Invalid Request: valid JSON, but beyond what "
                                    + "the gateway reads: numbers have at most %,d digits, strings at most %,d characters, nesting at "
                                    + "most %,d levels",
                            limits.getMaxNumberLength(),
                            limits.getMaxStringLength(),
                            limits.getMaxNestingDepth())));
            return;
        } catch (IOException e) {
            writeError(
                    null,
                    new McpSchema.JSONRPCResponse.JSONRPCError(
                            McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the line is not valid JSON", null));
            return;
        }
        if (node == null || node.isMissingNode()) {
            return;
        }
        Optional<JsonRpcShape.Malformed> malformed = JsonRpcShape.malformation(node);
        if (malformed.isPresent()) {
            writeError(
                    malformed.get().answerId(), invalidRequest(malformed.get().reason()));
            return;
        }
        JsonNode params = node.hasNonNull("params") ? node.get("params") : null;
        if (!node.has("method")) {
            deliverResponse(node);
        } else if (node.has("id")) {
            handleRequest(node.get("id"), node.get("method").asText(), params);
        } else {
            handleNotification(node.get("method").asText(), params);
        }
    }

    private void handleRequest(JsonNode id, String method, JsonNode params) {
        boolean initialize = McpSchema.METHOD_INITIALIZE.equals(method);
        if (!initialize && !initializeSeen) {
            if (McpSchema.METHOD_PING.equals(method)) {
                ObjectNode pong = objectMapper.createObjectNode().put("jsonrpc", McpSchema.JSONRPC_VERSION);
                pong.set("id", id);
                pong.putObject("result");
                writeBytes(pong);
            } else {
                writeError(id, invalidRequest("Server not initialized: send an 'initialize' request first"));
            }
            return;
        }
        String problem = RequestParams.problem(method, params, objectMapper);
        if (problem != null) {
            writeError(
                    id, new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS, problem, null));
            return;
        }
        InFlightRequests.Request request = inFlight.register(id, method);
        if (request == null) {
            writeError(
                    id,
                    invalidRequest("Invalid Request: id " + id + " is already used by a request still in flight; "
                            + "every request needs a new id"));
            return;
        }
        if (initialize) {
            initializeSeen = true;
        } else if (!initializedDelivered) {
            // Clients that pipeline requests right after initialize would otherwise wait forever
            // in the SDK for an 'initialized' notification they already consider implied.
            deliver(
                    new McpSchema.JSONRPCNotification(
                            McpSchema.JSONRPC_VERSION, McpSchema.METHOD_NOTIFICATION_INITIALIZED, null),
                    null);
        }
        deliver(
                new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, request.sdkId(), plain(params)),
                request);
    }

    private void handleNotification(String method, JsonNode params) {
        if (METHOD_NOTIFICATION_CANCELLED.equals(method)) {
            // The SDK has no handler for it: the transport knows the requests in flight.
            cancel(params);
            return;
        }
        if (McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(method) && (!initializeSeen || initializedDelivered)) {
            return;
        }
        deliver(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, plain(params)), null);
    }

    /**
     * Fires the cancel signal of the request the client cancelled; its response is then not sent (the MCP
     * spec: the receiver should not answer a cancelled request). A request already answered is done.
     */
    private void cancel(JsonNode params) {
        JsonNode requestId = params == null ? null : params.get("requestId");
        if (requestId == null || !(requestId.isTextual() || requestId.isIntegralNumber())) {
            log.warn("Ignoring notifications/cancelled without a string or integer requestId");
            return;
        }
        if (inFlight.cancel(requestId)) {
            JsonNode reason = params.get("reason");
            log.info(
                    "Request {} cancelled by the client{}",
                    requestId,
                    reason != null && reason.isTextual() ? ": " + printable(reason.asText()) : "");
        } else {
            log.debug(
                    "notifications/cancelled for request {}, which is not in flight (answered already, or unknown)",
                    requestId);
        }
    }

    /** A response of the client to a request of the SDK's (whose ids are strings or 64-bit integers). */
    private void deliverResponse(JsonNode node) {
        JsonNode idNode = node.get("id");
        Object id =
                idNode.isTextual() ? idNode.asText() : idNode.canConvertToLong() ? (Object) idNode.longValue() : null;
        if (id == null) {
            log.warn("Ignoring a response with id {}: no request of this server has such an id", idNode);
            return;
        }
        McpSchema.JSONRPCResponse response;
        try {
            McpSchema.JSONRPCResponse.JSONRPCError error = node.hasNonNull("error")
                    ? objectMapper.convertValue(node.get("error"), McpSchema.JSONRPCResponse.JSONRPCError.class)
                    : null;
            response = new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, plain(node.get("result")), error);
        } catch (IllegalArgumentException e) {
            writeError(idNode, invalidRequest("Invalid Request: malformed message fields"));
            return;
        }
        deliver(response, null);
    }

    /** Hands a message to the SDK; a request's tool handler finds its cancel signal in the transport context. */
    private void deliver(McpSchema.JSONRPCMessage message, InFlightRequests.Request request) {
        if (message instanceof McpSchema.JSONRPCNotification n
                && McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(n.method())) {
            initializedDelivered = true;
        }
        // Every message on stdio comes from the grant local.
        Mono<Void> handling = session.handle(message)
                .contextWrite(Context.of(
                        McpTransportContext.KEY,
                        CallerContext.of(Principal.LOCAL, request == null ? CancelSignal.NONE : request)));
        handling.subscribe(
                ignored -> {}, error -> log.warn("failed to handle {}: {}", describe(message), error.toString()));
    }

    private Object plain(JsonNode value) {
        return value == null || value.isNull() ? null : objectMapper.convertValue(value, Object.class);
    }

    /** The SDK's answer to a request, under the client's id, unless the client cancelled the request. */
    private void answer(McpSchema.JSONRPCResponse response) {
        InFlightRequests.Request request = inFlight.get(response.id());
        if (request == null) {
            log.warn("Dropping the SDK's response to unknown request {}", response.id());
            return;
        }
        try {
            if (request.markAnswered()) {
                writeResponse(request.clientId(), plainErrors(request, response));
            } else {
                log.info(
                        "Request {} ({}) was cancelled; its response is not sent",
                        request.clientId(),
                        request.method());
            }
        } finally {
            inFlight.remove(request);
        }
    }

    /** An error from inside the SDK quotes the exception (often Java classes): it becomes a plain internal error. */
    private McpSchema.JSONRPCResponse plainErrors(
            InFlightRequests.Request request, McpSchema.JSONRPCResponse response) {
        McpSchema.JSONRPCResponse.JSONRPCError error = response.error();
        if (error != null
                && error.code() == McpSchema.ErrorCodes.INTERNAL_ERROR
                && !InternalErrors.composedByGateway(error)) {
            // The SDK logged the stack trace under its own request id, named in this log line.
            String correlationId = InternalErrors.log(
                    "answering " + request.method() + " (request " + request.clientId() + ", SDK request "
                            + request.sdkId() + ")",
                    error.message() + (error.data() == null ? "" : " " + error.data()));
            return new McpSchema.JSONRPCResponse(
                    McpSchema.JSONRPC_VERSION, response.id(), null, InternalErrors.error(correlationId));
        }
        return response;
    }

    /** Written as a tree with the client's id as it came in: a number of any size, or a string. */
    private void writeResponse(JsonNode clientId, McpSchema.JSONRPCResponse response) {
        ObjectNode tree;
        try {
            tree = objectMapper.valueToTree(response);
        } catch (IllegalArgumentException e) {
            writeError(
                    clientId,
                    InternalErrors.error(InternalErrors.log("serialising the response to request " + clientId, e)));
            return;
        }
        tree.set("id", clientId);
        writeBytes(tree);
    }

    /** Written as a plain tree: the SDK's response record refuses the null id JSON-RPC requires here. */
    private void writeError(JsonNode id, McpSchema.JSONRPCResponse.JSONRPCError error) {
        ObjectNode response = objectMapper.createObjectNode();
        response.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        response.set("id", id);
        response.set("error", objectMapper.valueToTree(error));
        writeBytes(response);
    }

    private static McpSchema.JSONRPCResponse.JSONRPCError invalidRequest(String message) {
        return new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_REQUEST, message, null);
    }

    private void writeMessage(McpSchema.JSONRPCMessage message) {
        try {
            writeBytes(message);
        } catch (IllegalArgumentException e) {
            log.error("could not serialise outgoing {}: {}", describe(message), e.toString());
        }
    }

    private void writeBytes(Object message) {
        byte[] bytes;
        try {
            bytes = objectMapper.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        synchronized (writeLock) {
            if (outputClosed.get()) {
                return;
            }
            try {
                out.write(bytes);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                // The client is gone: nobody can read further replies.
                outputClosed.set(true);
                log.debug("stdout closed: {}", e.toString());
                terminated.complete(null);
            }
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Client text for the log: one line, bounded. */
    private static String printable(String text) {
        String line = text.replaceAll("\\p{Cntrl}", " ");
        return line.length() > MAX_LOGGED_REASON ? line.substring(0, MAX_LOGGED_REASON) + "..." : line;
    }

    private static String describe(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest r) {
            return "request " + r.method() + " (id " + r.id() + ")";
        }
        if (message instanceof McpSchema.JSONRPCNotification n) {
            return "notification " + n.method();
        }
        return "response";
    }

    /** The SDK session's view of the transport: every outgoing message becomes one stdout line. */
    private final class SessionTransport implements McpServerTransport {
        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.fromRunnable(() -> {
                if (message instanceof McpSchema.JSONRPCResponse response) {
                    answer(response);
                } else {
                    writeMessage(message);
                }
            });
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return mcpMapper.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }

        @Override
        public void close() {
            // stdio has one session for the life of the process; termination follows stdin EOF.
        }
    }
}
