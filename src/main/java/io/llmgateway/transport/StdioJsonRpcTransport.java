package io.llmgateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Newline-delimited JSON-RPC over stdio, replacing the SDK's stdio provider (see docs/ARCHITECTURE.md):
 * a malformed line gets -32700 and the session goes on; a non-request gets -32600; an over-long line is
 * skipped with an error; on stdin EOF in-flight responses are still written (up to a drain deadline)
 * before {@link #awaitTermination()} returns; requests before initialization are answered, never parked.
 * The protocol itself (initialize, tools/list, tools/call, ...) stays in the SDK's {@link McpServerSession}.
 */
public final class StdioJsonRpcTransport implements McpServerTransportProvider {
    private static final Logger log = LoggerFactory.getLogger(StdioJsonRpcTransport.class);

    private final McpJsonMapper mcpMapper;
    private final ObjectMapper objectMapper;
    private final InputStream in;
    private final OutputStream out;
    private final int maxLineBytes;
    private final Duration drainTimeout;

    private final Object writeLock = new Object();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean outputClosed = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final CompletableFuture<Void> firstWrite = new CompletableFuture<>();
    private final SessionTransport sessionTransport = new SessionTransport();

    private volatile McpServerSession session;
    // Written only by the reader thread.
    private boolean initializeSeen;
    private boolean initializedDelivered;

    public StdioJsonRpcTransport(McpJsonMapper mcpMapper, ObjectMapper objectMapper, InputStream in,
            OutputStream out, int maxLineBytes, Duration drainTimeout) {
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
    /** Completes once the first message (normally the initialize response) has been written. */
    public CompletableFuture<Void> firstWrite() {
        return firstWrite;
    }

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
                    writeError(null, McpSchema.ErrorCodes.INVALID_REQUEST, "Request too large: line exceeds "
                            + maxLineBytes + " bytes (LLM_GATEWAY_MAX_LINE_BYTES); it was skipped");
                    continue;
                }
                try {
                    handleLine(line.bytes());
                } catch (RuntimeException e) {
                    log.error("could not handle an incoming line: {}", e.toString());
                    writeError(null, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error while reading the message");
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
        while (inFlight.get() > 0 && System.nanoTime() < deadline && !outputClosed.get()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            log.warn("stdin closed with {} request(s) still running; exiting without their responses", inFlight.get());
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
        } catch (IOException e) {
            writeError(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the line is not valid JSON");
            return;
        }
        if (node == null || node.isMissingNode()) {
            return;
        }
        JsonRpcShape.Classified message = JsonRpcShape.classify(node);
        if (message.error() != null) {
            writeError(message.errorId(), McpSchema.ErrorCodes.INVALID_REQUEST, message.error());
            return;
        }
        McpSchema.JSONRPCMessage parsed;
        try {
            parsed = toSdkMessage(node);
        } catch (IllegalArgumentException e) {
            writeError(message.errorId(), McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: malformed message fields");
            return;
        }
        dispatch(parsed);
    }

    private void dispatch(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request) {
            if (McpSchema.METHOD_INITIALIZE.equals(request.method())) {
                initializeSeen = true;
            } else if (!initializeSeen) {
                if (McpSchema.METHOD_PING.equals(request.method())) {
                    writeMessage(McpSchema.JSONRPCResponse.result(request.id(), Map.of()));
                } else {
                    writeError(request.id(), McpSchema.ErrorCodes.INVALID_REQUEST,
                            "Server not initialized: send an 'initialize' request first");
                }
                return;
            } else if (!initializedDelivered) {
                // Clients that pipeline requests right after initialize would otherwise wait forever
                // in the SDK for an 'initialized' notification they already consider implied.
                deliver(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                        McpSchema.METHOD_NOTIFICATION_INITIALIZED, null));
            }
            inFlight.incrementAndGet();
            deliver(request);
        } else if (message instanceof McpSchema.JSONRPCNotification notification) {
            if (McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(notification.method())) {
                if (!initializeSeen || initializedDelivered) {
                    return;
                }
            }
            deliver(notification);
        } else {
            deliver(message);
        }
    }

    private void deliver(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCNotification n
                && McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(n.method())) {
            initializedDelivered = true;
        }
        session.handle(message).subscribe(ignored -> {
        }, error -> log.warn("failed to handle {}: {}", describe(message), error.toString()));
    }

    private McpSchema.JSONRPCMessage toSdkMessage(JsonNode node) {
        Object id = node.has("id") ? JsonRpcShape.idValue(node.get("id")) : null;
        if (node.has("method")) {
            String method = node.get("method").asText();
            Object params = node.has("params") && !node.get("params").isNull()
                    ? objectMapper.convertValue(node.get("params"), Object.class) : null;
            if (node.has("id")) {
                return new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, params);
            }
            return new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, params);
        }
        Object result = node.has("result") ? objectMapper.convertValue(node.get("result"), Object.class) : null;
        McpSchema.JSONRPCResponse.JSONRPCError error = node.hasNonNull("error")
                ? objectMapper.convertValue(node.get("error"), McpSchema.JSONRPCResponse.JSONRPCError.class) : null;
        return new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, result, error);
    }

    /** Written as a plain tree: the SDK's response record refuses the null id JSON-RPC requires here. */
    private void writeError(Object id, int code, String message) {
        com.fasterxml.jackson.databind.node.ObjectNode response = objectMapper.createObjectNode();
        response.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        response.set("id", objectMapper.valueToTree(id));
        response.putObject("error").put("code", code).put("message", message);
        writeBytes(response);
    }

    private void writeMessage(McpSchema.JSONRPCMessage message) {
        try {
            writeBytes(message);
        } catch (IllegalArgumentException e) {
            log.error("could not serialise outgoing {}: {}", describe(message), e.toString());
            if (message instanceof McpSchema.JSONRPCResponse response && response.id() != null) {
                writeError(response.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error: unserialisable result");
            }
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
                firstWrite.complete(null);
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
                writeMessage(message);
                if (message instanceof McpSchema.JSONRPCResponse) {
                    inFlight.decrementAndGet();
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
