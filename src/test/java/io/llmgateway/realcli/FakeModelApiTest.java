package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wire shapes the real CLIs need from {@link FakeModelApi}, checked without the CLIs. */
class FakeModelApiTest {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeModelApi api;

    @BeforeEach
    void start() throws IOException {
        api = FakeModelApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void anthropicStreamsTheEventSequenceAndCountsUserTurnsBeforeATrailingSystemEntry() throws Exception {
        assertEquals(200, send("HEAD", "/", null).statusCode());
        String body = """
                {"model":"claude-x","stream":true,"messages":[
                 {"role":"user","content":[{"type":"text","text":"<system-reminder>ctx</system-reminder>"},{"type":"text","text":"first"}]},
                 {"role":"assistant","content":[{"type":"text","text":"hi"}]},
                 {"role":"user","content":"second"},
                 {"role":"system","content":"agent list"}]}""";

        HttpResponse<String> response = send("POST", "/v1/messages?beta=true", body);

        assertEquals(200, response.statusCode());
        List<JsonNode> events = sseData(response.body());
        assertEquals(
                List.of(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop"),
                events.stream().map(e -> e.get("type").asText()).toList());
        assertEquals("text_delta", events.get(2).get("delta").get("type").asText());
        assertEquals(
                "Hello from the fake Anthropic API (2 user message(s) in context; last user text: 'second')",
                events.get(2).get("delta").get("text").asText());
        assertEquals(
                FakeModelApi.OUTPUT_TOKENS,
                events.get(4).get("usage").get("output_tokens").asInt());
        assertTrue(response.body().contains("event: message_stop\n"), "events are named after their type");
        assertEquals(
                List.of("HEAD /", "POST /v1/messages"),
                api.requests().stream().map(r -> r.method() + " " + r.path()).toList());
        assertEquals("beta=true", api.requests().get(1).query());
    }

    @Test
    void responsesEndsWithCompletedCarryingUsageAndIgnoresInjectedContext() throws Exception {
        String body = """
                {"model":"gpt-5.5","stream":true,"input":[
                 {"type":"message","role":"developer","content":[{"type":"input_text","text":"rules"}]},
                 {"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>cwd</environment_context>"}]},
                 {"type":"message","role":"user","content":[{"type":"input_text","text":"hello"}]}]}""";

        List<JsonNode> events = sseData(send("POST", "/v1/responses", body).body());

        assertEquals(
                List.of(
                        "response.created",
                        "response.output_item.added",
                        "response.output_text.delta",
                        "response.output_item.done",
                        "response.completed"),
                events.stream().map(e -> e.get("type").asText()).toList());
        JsonNode item = events.get(3).get("item");
        assertEquals(
                "Hello from the fake OpenAI Responses API (1 user message(s) in context; last user text: 'hello')",
                item.get("content").get(0).get("text").asText());
        JsonNode usage = events.get(4).get("response").get("usage");
        assertEquals(FakeModelApi.INPUT_TOKENS, usage.get("input_tokens").asInt());
        assertEquals(FakeModelApi.OUTPUT_TOKENS, usage.get("output_tokens").asInt());
    }

    @Test
    void geminiAnswersStreamingAndPlainGenerateContent() throws Exception {
        String body = """
                {"contents":[{"role":"user","parts":[{"text":"one"}]},{"role":"model","parts":[{"text":"r"}]},
                 {"role":"user","parts":[{"text":"two"}]}]}""";

        List<JsonNode> chunks =
                sseData(send("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body)
                        .body());
        JsonNode plain = MAPPER.readTree(send("POST", "/v1beta/models/gemini-2.5-flash:generateContent", body)
                .body());

        for (JsonNode reply : List.of(chunks.get(0), plain)) {
            assertEquals(
                    "Hello from the fake Gemini API (2 user message(s) in context; last user text: 'two')",
                    reply.get("candidates")
                            .get(0)
                            .get("content")
                            .get("parts")
                            .get(0)
                            .get("text")
                            .asText());
            assertEquals(
                    "STOP", reply.get("candidates").get(0).get("finishReason").asText());
            assertEquals(
                    FakeModelApi.INPUT_TOKENS,
                    reply.get("usageMetadata").get("promptTokenCount").asInt());
        }
    }

    @Test
    void theLastUserTextTriggersProviderShapedErrors() throws Exception {
        HttpResponse<String> anthropic = send(
                "POST",
                "/v1/messages",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x FAKE_ERROR_500\"}]}");
        HttpResponse<String> responses = send(
                "POST",
                "/v1/responses",
                "{\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"FAKE_ERROR_400\"}]}]}");
        HttpResponse<String> gemini = send(
                "POST",
                "/v1beta/models/m:streamGenerateContent?alt=sse",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"FAKE_ERROR_401\"}]}]}");

        assertEquals(500, anthropic.statusCode());
        assertEquals(
                "fake error 500",
                MAPPER.readTree(anthropic.body()).get("error").get("message").asText());
        assertEquals(400, responses.statusCode());
        assertEquals(
                "invalid_request_error",
                MAPPER.readTree(responses.body()).get("error").get("type").asText());
        assertEquals(401, gemini.statusCode());
        assertEquals(
                "UNAUTHENTICATED",
                MAPPER.readTree(gemini.body()).get("error").get("status").asText());
    }

    @Test
    void aDelayTriggerHoldsTheAnswerBack() throws Exception {
        long started = System.nanoTime();

        HttpResponse<String> response = send(
                "POST", "/v1/messages", "{\"messages\":[{\"role\":\"user\",\"content\":\"slow FAKE_DELAY_MS=300\"}]}");

        assertTrue(System.nanoTime() - started >= 300_000_000L, "answered before the requested delay");
        assertEquals(200, response.statusCode());
        assertEquals(
                "Hello from the fake Anthropic API (1 user message(s) in context; last user text: 'slow FAKE_DELAY_MS=300')",
                MAPPER.readTree(response.body())
                        .get("content")
                        .get(0)
                        .get("text")
                        .asText(),
                "stream:false gets one JSON message");
    }

    @Test
    void unknownPathsAre404AndStillRecorded() throws Exception {
        assertEquals(404, send("POST", "/v1/chat/completions", "{}").statusCode());
        assertEquals(1, api.posts("/v1/chat/completions").size());
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.BodyPublisher publisher =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return http.send(
                HttpRequest.newBuilder(URI.create(api.baseUrl() + pathAndQuery))
                        .method(method, publisher)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON of every {@code data:} line of an SSE body. */
    private static List<JsonNode> sseData(String sse) throws IOException {
        List<JsonNode> data = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(MAPPER.readTree(line.substring("data: ".length())));
            }
        }
        return data;
    }
}
