package io.llmgateway.realcli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llmgateway.core.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback model API that the real claude, codex and gemini CLIs accept: Anthropic Messages (SSE),
 * OpenAI Responses (SSE) and Gemini ({@code streamGenerateContent?alt=sse} and {@code generateContent}).
 *
 * <p>The canned reply echoes how many user messages the request carried and the last user text, e.g.
 * {@code Hello from the fake Anthropic API (2 user message(s) in context; last user text: 'again')}, so a
 * test can prove that a resumed session sent its history. The last user text steers the reply:
 * {@code FAKE_ERROR_<status>} (400, 401, 429, 500, ...) answers with that HTTP status and a provider-shaped
 * error body; {@code FAKE_DELAY_MS=<n>} waits n ms before answering; {@code FAKE_TOOL_USE} makes the Anthropic
 * reply a tool call first (a second turn answers); {@code FAKE_CALL_TOOL=<name>} makes any of the three APIs
 * call the tool whose name ends with {@code <name>} (an MCP tool of the host, e.g. {@code claude_request}) with
 * {@code {"prompt": "relay this"}}, and once the tool's result is in the conversation, answer
 * {@code Tool result received: <the result's text>}; {@code FAKE_TOOL_CALL=<tool name>} makes the Anthropic reply
 * a call of that tool with no arguments (e.g. an MCP server's {@code mcp__<server>__<tool>}), and a second turn
 * answers. Every request is recorded.
 */
public final class FakeModelApi implements AutoCloseable {

    /** Fixed token counts reported in every successful reply's usage. */
    public static final int INPUT_TOKENS = 11;

    public static final int OUTPUT_TOKENS = 7;

    /** One HTTP request as received; {@code query} is null when there was none. */
    public record RecordedRequest(String method, String path, String query, String body) {}

    /** What a request's conversation holds: user turns (context the CLIs inject is not counted) and the last one's text. */
    record Conversation(int userMessages, String lastUserText) {}

    private static final Pattern ERROR_TRIGGER = Pattern.compile("FAKE_ERROR_(\\d{3})");
    /** In the last user text: the Anthropic reply is a Read tool call, answered in text once its result comes back. */
    static final String TOOL_USE_TRIGGER = "FAKE_TOOL_USE";
    /** In the last user text: call the host's tool whose name ends with the given name. */
    static final Pattern CALL_TOOL_TRIGGER = Pattern.compile("FAKE_CALL_TOOL=(\\w+)");
    /** The prompt FAKE_CALL_TOOL passes to the tool. */
    public static final String RELAYED_PROMPT = "relay this";
    /** How the answer to a tool result starts. */
    public static final String TOOL_RESULT_REPLY = "Tool result received: ";

    private static final Pattern TOOL_CALL_TRIGGER = Pattern.compile("FAKE_TOOL_CALL=(\\S+)");
    private static final Pattern DELAY_TRIGGER = Pattern.compile("FAKE_DELAY_MS=(\\d+)");
    private static final Pattern GEMINI_PATH =
            Pattern.compile("/v1(?:beta|alpha|)?/models/([^/:]+):(streamGenerateContent|generateContent|countTokens)");

    private final ObjectMapper mapper = Json.newMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger replyIds = new AtomicInteger();

    private FakeModelApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a server on 127.0.0.1 and an ephemeral port. */
    public static FakeModelApi start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-model-api");
            thread.setDaemon(true);
            return thread;
        });
        FakeModelApi api = new FakeModelApi(server, executor);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The recorded POSTs whose path contains {@code pathFragment} (e.g. "/v1/messages", ":streamGenerateContent"). */
    public List<RecordedRequest> posts(String pathFragment) {
        return requests.stream()
                .filter(r -> r.method().equals("POST") && r.path().contains(pathFragment))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            requests.add(
                    new RecordedRequest(method, path, exchange.getRequestURI().getRawQuery(), body));
            if (!method.equals("POST")) {
                // claude probes the base URL with HEAD / before its first request.
                exchange.sendResponseHeaders(method.equals("HEAD") ? 200 : 404, -1);
                return;
            }
            Matcher gemini = GEMINI_PATH.matcher(path);
            if (path.endsWith("/v1/messages/count_tokens")) {
                sendJson(exchange, 200, mapper.createObjectNode().put("input_tokens", INPUT_TOKENS));
            } else if (path.endsWith("/v1/messages")) {
                answerAnthropic(exchange, mapper.readTree(body));
            } else if (path.endsWith("/v1/responses")) {
                answerResponses(exchange, mapper.readTree(body));
            } else if (gemini.find()) {
                answerGemini(exchange, mapper.readTree(body), gemini.group(1), gemini.group(2));
            } else {
                sendJson(
                        exchange,
                        404,
                        mapper.createObjectNode().put("error", "the fake model API does not serve " + path));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // A test's trigger that cannot be served: a 400 (never retried) that names the reason.
            failures.add(e.getMessage());
            sendJson(exchange, 400, mapper.createObjectNode().put("error", e.getMessage()));
        }
    }

    /** Why requests were refused with 400 (a FAKE_CALL_TOOL naming no offered tool). */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    // ---------------------------------------------------------------- Anthropic Messages

    private void answerAnthropic(HttpExchange exchange, JsonNode request) throws IOException, InterruptedException {
        Conversation conversation = anthropicConversation(request);
        Integer errorStatus = honourTriggers(conversation);
        if (errorStatus != null) {
            ObjectNode error = mapper.createObjectNode().put("type", "error");
            error.putObject("error")
                    .put("type", errorStatus == 401 ? "authentication_error" : "api_error")
                    .put("message", "fake error " + errorStatus);
            sendJson(exchange, errorStatus, error);
            return;
        }
        String text = reply("Anthropic", conversation);
        String model = request.path("model").asText("claude-fake");
        int id = replyIds.incrementAndGet();
        if (!request.path("stream").asBoolean(false)) {
            ObjectNode message = anthropicMessage(id, model);
            message.putArray("content").addObject().put("type", "text").put("text", text);
            message.put("stop_reason", "end_turn").putNull("stop_sequence");
            message.set("usage", anthropicUsage(OUTPUT_TOKENS));
            sendJson(exchange, 200, message);
            return;
        }
        ObjectNode block = mapper.createObjectNode();
        ObjectNode delta = mapper.createObjectNode();
        String stopReason;
        HostTool hostTool = hostToolToCall(conversation, request);
        String toolResult = lastAnthropicToolResult(request);
        Matcher toolCall = TOOL_CALL_TRIGGER.matcher(conversation.lastUserText());
        boolean namedTool = toolCall.find();
        if (hostTool != null && hostTool.name().equals(WAIT_FOR_MCP_SERVERS)) {
            block.put("type", "tool_use")
                    .put("id", WAIT_CALL_ID + id)
                    .put("name", hostTool.name())
                    .putObject("input");
            delta.put("type", "input_json_delta").put("partial_json", "{}");
            stopReason = "tool_use";
        } else if (hostTool != null && toolResult == null) {
            block.put("type", "tool_use")
                    .put("id", "toolu_fake_" + id)
                    .put("name", hostTool.name())
                    .putObject("input");
            delta.put("type", "input_json_delta")
                    .put("partial_json", relayedArguments().toString());
            stopReason = "tool_use";
        } else if (hostTool != null) {
            block.put("type", "text").put("text", "");
            delta.put("type", "text_delta").put("text", TOOL_RESULT_REPLY + toolResult);
            stopReason = "end_turn";
        } else if ((namedTool || conversation.lastUserText().contains(TOOL_USE_TRIGGER))
                && request.path("tools").size() > 0
                && !endsWithToolResult(request)) {
            // A turn that asks to run a tool, so the CLI needs a second turn to answer.
            block.put("type", "tool_use")
                    .put("id", "toolu_fake_" + id)
                    .put("name", namedTool ? toolCall.group(1) : "Read")
                    .putObject("input");
            delta.put("type", "input_json_delta")
                    .put("partial_json", namedTool ? "{}" : "{\"file_path\":\"/nonexistent/fake-model-api.txt\"}");
            stopReason = "tool_use";
        } else {
            block.put("type", "text").put("text", "");
            delta.put("type", "text_delta").put("text", text);
            stopReason = "end_turn";
        }
        ObjectNode message = anthropicMessage(id, model);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.set("usage", anthropicUsage(1));
        ObjectNode start = mapper.createObjectNode().put("type", "message_start");
        start.set("message", message);
        ObjectNode blockStart =
                mapper.createObjectNode().put("type", "content_block_start").put("index", 0);
        blockStart.set("content_block", block);
        ObjectNode blockDelta =
                mapper.createObjectNode().put("type", "content_block_delta").put("index", 0);
        blockDelta.set("delta", delta);
        ObjectNode messageDelta = mapper.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", OUTPUT_TOKENS);
        sendEvents(
                exchange,
                List.of(
                        start,
                        blockStart,
                        blockDelta,
                        mapper.createObjectNode()
                                .put("type", "content_block_stop")
                                .put("index", 0),
                        messageDelta,
                        mapper.createObjectNode().put("type", "message_stop")),
                true);
    }

    /** The text of the tool_result in the last message (not the wait for MCP servers), or null. */
    private static String lastAnthropicToolResult(JsonNode request) {
        JsonNode messages = request.path("messages");
        for (JsonNode block : messages.path(messages.size() - 1).path("content")) {
            if (block.path("type").asText().equals("tool_result")
                    && !block.path("tool_use_id").asText().startsWith(WAIT_CALL_ID)) {
                JsonNode content = block.path("content");
                return content.isTextual() ? content.asText() : String.join("\n", textsOf(content, "text", "text"));
            }
        }
        return null;
    }

    private ObjectNode anthropicMessage(int id, String model) {
        return mapper.createObjectNode()
                .put("id", "msg_fake_" + id)
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model);
    }

    private static boolean endsWithToolResult(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        for (JsonNode block : last.path("content")) {
            if (block.path("type").asText().equals("tool_result")) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode anthropicUsage(int outputTokens) {
        return mapper.createObjectNode()
                .put("input_tokens", INPUT_TOKENS)
                .put("output_tokens", outputTokens)
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0);
    }

    /** The list may end with a role:"system" entry; user turns that only carry tool results are not counted. */
    Conversation anthropicConversation(JsonNode request) {
        return conversation(
                request.path("messages"),
                message -> message.path("role").asText().equals("user"),
                message -> textsOf(message.path("content"), "text", "text"));
    }

    // ---------------------------------------------------------------- OpenAI Responses

    private void answerResponses(HttpExchange exchange, JsonNode request) throws IOException, InterruptedException {
        Conversation conversation = responsesConversation(request);
        Integer errorStatus = honourTriggers(conversation);
        if (errorStatus != null) {
            ObjectNode error = mapper.createObjectNode();
            error.putObject("error")
                    .put("message", "fake error " + errorStatus)
                    .put("type", errorStatus == 400 ? "invalid_request_error" : "server_error")
                    .putNull("code")
                    .putNull("param");
            sendJson(exchange, errorStatus, error);
            return;
        }
        int id = replyIds.incrementAndGet();
        HostTool hostTool = hostToolToCall(conversation, request);
        String toolResult = lastResponsesToolResult(request);
        String text = hostTool != null && toolResult != null
                ? TOOL_RESULT_REPLY + toolResult
                : reply("OpenAI Responses", conversation);
        String model = request.path("model").asText("gpt-fake");
        String itemId = "msg_fake_" + id;
        ObjectNode item;
        if (hostTool != null && toolResult == null) {
            item = mapper.createObjectNode()
                    .put("id", "fc_fake_" + id)
                    .put("type", "function_call")
                    .put("status", "completed")
                    .put("call_id", "call_fake_" + id)
                    .put("name", hostTool.name())
                    .put("arguments", relayedArguments().toString());
            if (hostTool.namespace() != null) {
                item.put("namespace", hostTool.namespace());
            }
            ObjectNode completed = responseObject("resp_fake_" + id, model, "completed");
            completed.putArray("output").add(item);
            completed.set("usage", responsesUsage());
            ObjectNode created = mapper.createObjectNode().put("type", "response.created");
            created.set("response", responseObject("resp_fake_" + id, model, "in_progress"));
            ObjectNode added = mapper.createObjectNode()
                    .put("type", "response.output_item.added")
                    .put("output_index", 0);
            added.set("item", item);
            ObjectNode done = mapper.createObjectNode()
                    .put("type", "response.output_item.done")
                    .put("output_index", 0);
            done.set("item", item);
            ObjectNode finished = mapper.createObjectNode().put("type", "response.completed");
            finished.set("response", completed);
            sendEvents(exchange, List.of(created, added, done, finished), true);
            return;
        }
        item = mapper.createObjectNode()
                .put("id", itemId)
                .put("type", "message")
                .put("role", "assistant")
                .put("status", "completed");
        item.putArray("content")
                .addObject()
                .put("type", "output_text")
                .put("text", text)
                .putArray("annotations");
        ObjectNode inProgress = responseObject("resp_fake_" + id, model, "in_progress");
        ObjectNode completed = responseObject("resp_fake_" + id, model, "completed");
        completed.putArray("output").add(item);
        completed.set("usage", responsesUsage());

        ObjectNode created = mapper.createObjectNode().put("type", "response.created");
        created.set("response", inProgress);
        ObjectNode added = mapper.createObjectNode()
                .put("type", "response.output_item.added")
                .put("output_index", 0);
        added.putObject("item")
                .put("id", itemId)
                .put("type", "message")
                .put("role", "assistant")
                .put("status", "in_progress")
                .putArray("content");
        ObjectNode delta = mapper.createObjectNode()
                .put("type", "response.output_text.delta")
                .put("item_id", itemId)
                .put("output_index", 0)
                .put("content_index", 0)
                .put("delta", text);
        ObjectNode done = mapper.createObjectNode()
                .put("type", "response.output_item.done")
                .put("output_index", 0);
        done.set("item", item);
        ObjectNode finished = mapper.createObjectNode().put("type", "response.completed");
        finished.set("response", completed);
        sendEvents(exchange, List.of(created, added, delta, done, finished), true);
    }

    private ObjectNode responsesUsage() {
        ObjectNode usage = mapper.createObjectNode().put("input_tokens", INPUT_TOKENS);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", OUTPUT_TOKENS);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", INPUT_TOKENS + OUTPUT_TOKENS);
        return usage;
    }

    /** The output of the last function (or MCP / custom tool) call in the input, or null. */
    private static String lastResponsesToolResult(JsonNode request) {
        String result = null;
        for (JsonNode item : request.path("input")) {
            if (item.path("type").asText().endsWith("_call_output")) {
                JsonNode output = item.path("output");
                result = output.isTextual() ? output.asText() : String.join("\n", textsOf(output, null, "text"));
            }
        }
        return result;
    }

    private ObjectNode responseObject(String id, String model, String status) {
        ObjectNode response = mapper.createObjectNode()
                .put("id", id)
                .put("object", "response")
                .put("created_at", 0)
                .put("status", status)
                .put("model", model);
        if (!status.equals("completed")) {
            response.putArray("output");
        }
        return response;
    }

    /** codex sends its environment and instructions as extra user messages wrapped in tags; they are not turns. */
    Conversation responsesConversation(JsonNode request) {
        return conversation(
                request.path("input"),
                item -> item.path("role").asText().equals("user")
                        && !item.path("type").asText("message").equals("function_call_output"),
                item -> textsOf(item.path("content"), "input_text", "text"));
    }

    // ---------------------------------------------------------------- Gemini

    private void answerGemini(HttpExchange exchange, JsonNode request, String model, String operation)
            throws IOException, InterruptedException {
        if (operation.equals("countTokens")) {
            sendJson(exchange, 200, mapper.createObjectNode().put("totalTokens", INPUT_TOKENS));
            return;
        }
        Conversation conversation = geminiConversation(request);
        Integer errorStatus = honourTriggers(conversation);
        if (errorStatus != null) {
            ObjectNode error = mapper.createObjectNode();
            error.putObject("error")
                    .put("code", errorStatus)
                    .put("message", "fake error " + errorStatus)
                    .put("status", geminiStatus(errorStatus));
            sendJson(exchange, errorStatus, error);
            return;
        }
        replyIds.incrementAndGet();
        ObjectNode chunk = mapper.createObjectNode();
        ObjectNode candidate = chunk.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content").put("role", "model");
        HostTool hostTool = hostToolToCall(conversation, request);
        String toolResult = lastGeminiToolResult(request);
        if (hostTool != null && toolResult == null) {
            ObjectNode call = content.putArray("parts")
                    .addObject()
                    .putObject("functionCall")
                    .put("name", hostTool.name());
            call.set("args", relayedArguments());
        } else {
            content.putArray("parts")
                    .addObject()
                    .put("text", hostTool != null ? TOOL_RESULT_REPLY + toolResult : reply("Gemini", conversation));
        }
        candidate.put("finishReason", "STOP").put("index", 0);
        chunk.putObject("usageMetadata")
                .put("promptTokenCount", INPUT_TOKENS)
                .put("candidatesTokenCount", OUTPUT_TOKENS)
                .put("totalTokenCount", INPUT_TOKENS + OUTPUT_TOKENS);
        chunk.put("modelVersion", model);
        if (operation.equals("streamGenerateContent")) {
            sendEvents(exchange, List.of(chunk), false);
        } else {
            sendJson(exchange, 200, chunk);
        }
    }

    private static String geminiStatus(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 429 -> "RESOURCE_EXHAUSTED";
            default -> "INTERNAL";
        };
    }

    /** The response of a functionResponse part in the last content (as JSON text), or null. */
    private static String lastGeminiToolResult(JsonNode request) {
        JsonNode contents = request.path("contents");
        for (JsonNode part : contents.path(contents.size() - 1).path("parts")) {
            if (part.has("functionResponse")) {
                return part.path("functionResponse").path("response").toString();
            }
        }
        return null;
    }

    Conversation geminiConversation(JsonNode request) {
        return conversation(
                request.path("contents"),
                content -> content.path("role").asText("user").equals("user"),
                content -> textsOf(content.path("parts"), null, "text"));
    }

    // ---------------------------------------------------------------- shared

    /**
     * The full name of the offered tool FAKE_CALL_TOOL asks for: whatever object in the request has a "name"
     * ending with it (each host names MCP tools its own way, e.g. {@code mcp__server__tool}). Null without the
     * trigger; the trigger naming no offered tool is an error a test should see.
     */
    private static HostTool hostToolToCall(Conversation conversation, JsonNode request) {
        Matcher trigger = CALL_TOOL_TRIGGER.matcher(conversation.lastUserText());
        if (!trigger.find()) {
            return null;
        }
        List<HostTool> tools = new ArrayList<>();
        collectTools(request.path("tools"), null, tools);
        return tools.stream()
                .filter(tool -> tool.name().endsWith(trigger.group(1)))
                .findFirst()
                // Claude Code connects MCP servers in the background and offers a tool to wait for them.
                .or(() -> tools.stream()
                        .filter(tool -> tool.name().equals(WAIT_FOR_MCP_SERVERS))
                        .findFirst())
                .orElseThrow(() -> new IllegalStateException(
                        "the host offered no tool ending with " + trigger.group(1) + ": " + tools + " (tool types: "
                                + request.path("tools").findValuesAsText("type") + ")"));
    }

    private static final String WAIT_FOR_MCP_SERVERS = "WaitForMcpServers";
    private static final String WAIT_CALL_ID = "toolu_wait_";

    /** A tool the host offers; {@code namespace} is set when it sits in an OpenAI Responses namespace tool (codex). */
    private record HostTool(String name, String namespace) {}

    private static void collectTools(JsonNode node, String namespace, List<HostTool> tools) {
        String inside = namespace;
        if (node.isObject() && node.path("name").isTextual()) {
            if (node.path("type").asText().equals("namespace")) {
                inside = node.path("name").asText();
            } else {
                tools.add(new HostTool(node.path("name").asText(), namespace));
            }
        }
        for (JsonNode child : node) {
            collectTools(child, inside, tools);
        }
    }

    private ObjectNode relayedArguments() {
        return mapper.createObjectNode().put("prompt", RELAYED_PROMPT);
    }

    /**
     * Counts the entries that are user turns: role user and at least one text that is not context the CLI
     * injected (text starting with a tag such as {@code <environment_context>} or {@code <system-reminder>}).
     */
    private static Conversation conversation(
            JsonNode entries, Predicate<JsonNode> isUser, Function<JsonNode, List<String>> texts) {
        int count = 0;
        String last = "";
        for (JsonNode entry : entries) {
            if (!isUser.test(entry)) {
                continue;
            }
            List<String> typed = texts.apply(entry).stream()
                    .filter(t -> !t.stripLeading().startsWith("<"))
                    .toList();
            if (!typed.isEmpty()) {
                count++;
                last = typed.get(typed.size() - 1).strip();
            }
        }
        return new Conversation(count, last);
    }

    /** Texts of a content value: a plain string, or an array of parts of {@code type} (any type when null). */
    private static List<String> textsOf(JsonNode content, String type, String field) {
        List<String> texts = new ArrayList<>();
        if (content.isTextual()) {
            texts.add(content.asText());
        }
        for (JsonNode part : content) {
            if ((type == null || part.path("type").asText().equals(type))
                    && part.path(field).isTextual()) {
                texts.add(part.path(field).asText());
            }
        }
        return texts;
    }

    private static String reply(String apiName, Conversation conversation) {
        return "Hello from the fake " + apiName + " API (" + conversation.userMessages()
                + " user message(s) in context; last user text: '" + conversation.lastUserText() + "')";
    }

    /** The exact reply {@code cli} gets for a conversation of {@code userMessages} turns ending with {@code lastUserText}. */
    public static String expectedReply(RealCli cli, int userMessages, String lastUserText) {
        String apiName = switch (cli) {
            case CLAUDE -> "Anthropic";
            case CODEX -> "OpenAI Responses";
            case GEMINI -> "Gemini";
        };
        return reply(apiName, new Conversation(userMessages, lastUserText));
    }

    /** Sleeps for FAKE_DELAY_MS and returns the FAKE_ERROR status to answer with, or null for a normal reply. */
    private static Integer honourTriggers(Conversation conversation) throws InterruptedException {
        Matcher delay = DELAY_TRIGGER.matcher(conversation.lastUserText());
        if (delay.find()) {
            Thread.sleep(Long.parseLong(delay.group(1)));
        }
        Matcher error = ERROR_TRIGGER.matcher(conversation.lastUserText());
        return error.find() ? Integer.valueOf(error.group(1)) : null;
    }

    private void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Server-sent events; Anthropic and OpenAI name each event after its type, Gemini sends bare data lines. */
    private void sendEvents(HttpExchange exchange, List<ObjectNode> events, boolean named) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (ObjectNode event : events) {
            String frame = (named ? "event: " + event.path("type").asText() + "\n" : "") + "data: "
                    + mapper.writeValueAsString(event) + "\n\n";
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
