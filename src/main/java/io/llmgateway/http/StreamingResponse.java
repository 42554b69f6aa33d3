package io.llmgateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response of one MCP request, between the SDK's servlet and the client. The SDK answers every request
 * on a Server-Sent Events stream; this wrapper holds the stream's headers back until the first event shows
 * what is needed:
 * <ul>
 * <li>the first event is the response (a quick call): it goes out as a plain {@code application/json} body;</li>
 * <li>the first event is a notification (progress): the SSE stream goes out, with every later event;</li>
 * <li>no event for {@link #sseAfter}: the SSE stream goes out and a keep-alive comment follows every
 * {@link #keepAlive}.</li>
 * </ul>
 * Keep-alives are what notices a client that went away (a silent connection cannot): the write fails and
 * {@code onDisconnect} runs (the call is cancelled). A GET (the notification stream) is SSE from the start.
 * Writes of the SDK and of the keep-alive timer are serialised on this object.
 */
final class StreamingResponse extends HttpServletResponseWrapper {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingResponse.class);
    private static final String EVENT_STREAM = "text/event-stream";
    private static final JsonFactory JSON = new JsonFactory();

    private enum Mode {
        PLAIN,
        UNDECIDED,
        SSE,
        DONE
    }

    private final HttpServletRequest request;
    private final boolean jsonAllowed;
    private final Duration sseAfter;
    private final Duration keepAlive;
    private final ScheduledExecutorService timer;
    private final Runnable onDisconnect;
    private final Consumer<String> onSessionId;
    private final Map<String, String> heldHeaders = new LinkedHashMap<>();
    private final long startedNanos = System.nanoTime();
    private Mode mode = Mode.PLAIN;
    private PrintWriter eventWriter;
    private ScheduledFuture<?> ticker;

    /**
     * @param jsonAllowed a POST may be answered with JSON; a GET stream is SSE at once
     * @param onSessionId receives the Mcp-Session-Id the SDK issues (at initialize)
     */
    StreamingResponse(
            HttpServletRequest request,
            HttpServletResponse response,
            boolean jsonAllowed,
            Duration sseAfter,
            Duration keepAlive,
            ScheduledExecutorService timer,
            Runnable onDisconnect,
            Consumer<String> onSessionId) {
        super(response);
        this.request = request;
        this.jsonAllowed = jsonAllowed;
        this.sseAfter = sseAfter;
        this.keepAlive = keepAlive;
        this.timer = timer;
        this.onDisconnect = onDisconnect;
        this.onSessionId = onSessionId;
    }

    @Override
    public synchronized void setContentType(String type) {
        if (mode == Mode.PLAIN && type != null && type.startsWith(EVENT_STREAM)) {
            mode = Mode.UNDECIDED;
            if (!jsonAllowed) {
                startSse();
            }
            return;
        }
        super.setContentType(type);
    }

    @Override
    public synchronized void setHeader(String name, String value) {
        if (HttpHeaderNames.MCP_SESSION_ID.equalsIgnoreCase(name)) {
            onSessionId.accept(value);
        }
        if (mode == Mode.UNDECIDED) {
            heldHeaders.put(name, value); // SSE-only headers (Cache-Control, Connection)
            return;
        }
        super.setHeader(name, value);
    }

    @Override
    public synchronized PrintWriter getWriter() throws IOException {
        if (mode == Mode.PLAIN) {
            return super.getWriter();
        }
        if (eventWriter == null) {
            eventWriter = new PrintWriter(new EventSplitter());
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new Lifecycle());
            }
            long periodMillis = keepAlive.toMillis();
            long firstMillis = mode == Mode.UNDECIDED ? sseAfter.toMillis() : periodMillis;
            ticker = timer.scheduleAtFixedRate(this::tick, firstMillis, periodMillis, TimeUnit.MILLISECONDS);
            if (mode == Mode.SSE) {
                super.flushBuffer(); // a notification stream: the client sees it open at once
            }
        }
        return eventWriter;
    }

    @Override
    public synchronized void flushBuffer() throws IOException {
        if (mode != Mode.UNDECIDED) {
            super.flushBuffer();
        }
    }

    /** The client is gone or the exchange is over: no more writes, no more keep-alives. */
    private synchronized boolean finish() {
        boolean wasOpen = mode != Mode.DONE;
        mode = Mode.DONE;
        if (ticker != null) {
            ticker.cancel(false);
        }
        return wasOpen;
    }

    private void disconnected() {
        if (finish()) {
            LOG.debug(
                    "client of {} went away after {} ms",
                    request.getMethod(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
            onDisconnect.run();
        }
    }

    private void tick() {
        try {
            synchronized (this) {
                if (mode == Mode.DONE) {
                    return;
                }
                if (mode == Mode.UNDECIDED) {
                    startSse();
                }
                writeRaw(":\n\n");
            }
        } catch (IOException | RuntimeException e) {
            disconnected();
        }
    }

    private void startSse() {
        mode = Mode.SSE;
        super.setContentType(EVENT_STREAM);
        super.setCharacterEncoding("UTF-8");
        super.setHeader("Cache-Control", "no-cache");
        heldHeaders.forEach(super::setHeader);
        heldHeaders.clear();
    }

    /** Writes and flushes; a failed write is an IOException (the servlet's writer would only set a flag). */
    private void writeRaw(String text) throws IOException {
        PrintWriter out = super.getWriter();
        out.write(text);
        if (out.checkError()) { // flushes, and reports a failed write
            throw new IOException("client disconnected");
        }
    }

    private synchronized void event(String event) throws IOException {
        switch (mode) {
            case UNDECIDED -> {
                String data = dataOf(event);
                if (data != null && isResponse(data)) {
                    mode = Mode.DONE;
                    ticker.cancel(false);
                    super.setContentType("application/json");
                    super.setCharacterEncoding("UTF-8");
                    writeRaw(data);
                } else {
                    startSse();
                    writeRaw(event);
                }
            }
            case SSE -> {
                writeRaw(event);
                String data = dataOf(event);
                if (data != null && isResponse(data)) {
                    finish(); // answered: a client going away now cancels nothing
                }
            }
            default -> LOG.debug("event after the exchange ended dropped");
        }
    }

    private static String dataOf(String event) {
        StringBuilder data = null;
        for (String line : event.split("\n")) {
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null
                        ? new StringBuilder(value)
                        : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString();
    }

    /** A JSON-RPC response has result or error; a request or notification has method. Reads only the top level. */
    static boolean isResponse(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (name.equals("method")) {
                    return false;
                }
                if (name.equals("result") || name.equals("error")) {
                    return true;
                }
                parser.nextToken();
                parser.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Cuts what the SDK writes into whole events (blocks ending with a blank line). */
    private final class EventSplitter extends Writer {
        private final StringBuilder pending = new StringBuilder();

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            synchronized (StreamingResponse.this) {
                pending.append(chars, offset, length);
                int end;
                while ((end = pending.indexOf("\n\n")) >= 0) {
                    String event = pending.substring(0, end + 2);
                    pending.delete(0, end + 2);
                    event(event);
                }
            }
        }

        @Override
        public void flush() {
            // Each whole event is flushed as it is written.
        }

        @Override
        public void close() {
            // The SDK completes the exchange through its AsyncContext.
        }
    }

    /** Notices the end of the exchange and failures the container sees. */
    private final class Lifecycle implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            finish();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            disconnected();
        }

        @Override
        public void onError(AsyncEvent event) {
            disconnected();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not re-dispatched
        }
    }
}
