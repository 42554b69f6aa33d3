package io.llmgateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.CancelSignal;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's requests handed to the SDK and not answered yet. The SDK sees each under an id of the
 * transport's own, because it takes only strings and 64-bit integers while a client's id may be any JSON
 * integer; the answer goes out under the client's id exactly as it came in. Each request is also the
 * cancel signal that a notifications/cancelled for its id fires, and either the cancel or the answer
 * comes first: a cancelled request is not answered, an answered one can no longer be cancelled.
 */
final class InFlightRequests {
    private static final Logger log = LoggerFactory.getLogger(InFlightRequests.class);

    private final Map<String, Request> bySdkId = new ConcurrentHashMap<>();
    private final Map<Object, Request> byClientId = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /** One request in flight: the id the client sent, the one the SDK sees, and its cancel signal. */
    static final class Request implements CancelSignal {
        private enum State {
            RUNNING,
            CANCELLED,
            ANSWERED
        }

        private final String sdkId;
        private final JsonNode clientId;
        private final Object clientKey;
        private final String method;
        private State state = State.RUNNING;
        private List<Runnable> listeners = new ArrayList<>();

        private Request(String sdkId, JsonNode clientId, Object clientKey, String method) {
            this.sdkId = sdkId;
            this.clientId = clientId;
            this.clientKey = clientKey;
            this.method = method;
        }

        String sdkId() {
            return sdkId;
        }

        JsonNode clientId() {
            return clientId;
        }

        String method() {
            return method;
        }

        @Override
        public synchronized boolean isCancelled() {
            return state == State.CANCELLED;
        }

        @Override
        public void onCancel(Runnable action) {
            synchronized (this) {
                if (state == State.RUNNING) {
                    listeners.add(action);
                    return;
                }
                if (state == State.ANSWERED) {
                    return;
                }
            }
            runQuietly(action);
        }

        /** False when it was already cancelled or answered. */
        private boolean cancel() {
            List<Runnable> toRun;
            synchronized (this) {
                if (state != State.RUNNING) {
                    return false;
                }
                state = State.CANCELLED;
                toRun = listeners;
                listeners = List.of();
            }
            toRun.forEach(Request::runQuietly);
            return true;
        }

        /** Whether its answer is to be sent: false when the client cancelled it first. */
        synchronized boolean markAnswered() {
            if (state == State.CANCELLED) {
                return false;
            }
            state = State.ANSWERED;
            listeners = List.of();
            return true;
        }

        private static void runQuietly(Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("Stopping a cancelled request failed", e);
            }
        }
    }

    /** Registers a request; null when a request with the same client id is still in flight. */
    Request register(JsonNode clientId, String method) {
        Object key = key(clientId);
        Request request = new Request("gw-rpc-" + sequence.incrementAndGet(), clientId, key, method);
        if (byClientId.putIfAbsent(key, request) != null) {
            return null;
        }
        bySdkId.put(request.sdkId, request);
        return request;
    }

    /** The request the SDK answers under {@code sdkId}; null when there is none. */
    Request get(Object sdkId) {
        return bySdkId.get(String.valueOf(sdkId));
    }

    /** Takes a request out of flight once its answer was written (or dropped): stdin EOF waits for this. */
    void remove(Request request) {
        bySdkId.remove(request.sdkId, request);
        byClientId.remove(request.clientKey, request);
    }

    /**
     * Fires the cancel signal of the request in flight under the client's id; false when none is (or it is
     * the initialize request, which the MCP spec says clients must not cancel).
     */
    boolean cancel(JsonNode clientId) {
        Request request = byClientId.get(key(clientId));
        return request != null && !McpSchema.METHOD_INITIALIZE.equals(request.method) && request.cancel();
    }

    int size() {
        return bySdkId.size();
    }

    /** Equal for equal ids: the integer's value (any size), or the string. */
    private static Object key(JsonNode id) {
        return id.isIntegralNumber() ? id.bigIntegerValue() : id.asText();
    }
}
