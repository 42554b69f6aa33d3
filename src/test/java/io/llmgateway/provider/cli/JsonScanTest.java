package io.llmgateway.provider.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonScanTest {

    @Test
    void readsJsonLinesAndSkipsWarningLinesAroundThem() {
        List<JsonNode> objects =
                JsonScan.objects("WARNING: something\n{\"a\":1}\nplain text {\"not\":\"at line start\"}\n"
                        + "  {\"b\":2}\r\n{broken\n{\"c\":3}");
        assertEquals(
                List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"),
                objects.stream().map(JsonNode::toString).toList());
    }

    @Test
    void readsPrettyPrintedObjectsAfterStackTracesWithoutTheirNestedObjects() {
        List<JsonNode> objects = JsonScan.objects(Samples.read("gemini-json-error400.stderr"));
        assertEquals(
                1, objects.size(), "the stack trace's '{ status: 400 }' is not JSON; nested objects are not separate");
        assertEquals(
                "01664613-141b-46e0-a1aa-51ba856d7cf4",
                objects.get(0).get("session_id").asText());
        assertEquals(400, objects.get(0).get("error").get("code").asInt());
    }

    @Test
    void readsObjectsThatFollowEachOtherOnOneLine() {
        assertEquals(
                3,
                JsonScan.objects("{\"a\":{\"x\":[1,2]}} {\"b\":1}\n{\"c\":1}").size());
        assertEquals(
                1,
                JsonScan.objects("{\"a\":1} trailing words {\"b\":1}").size(),
                "after an object, other text ends the line");
    }

    @Test
    void readsArraysOnlyWhenAsked() {
        String text = "note\n[\n  {\"role\": \"user\"},\n  {\"role\": \"assistant\"}\n]\n";
        assertEquals(1, JsonScan.objectsAndArrays(text).size());
        assertTrue(JsonScan.objectsAndArrays(text).get(0).isArray());
        assertEquals(2, JsonScan.objects(text).size(), "without arrays, the indented elements are read as objects");
    }

    @Test
    void fieldAccessorsReturnNullForMissingOrMistypedFields() {
        JsonNode node = JsonScan.parse("{\"s\":\"x\",\"n\":5,\"d\":0.25,\"o\":{},\"z\":null}");
        assertEquals("x", JsonScan.text(node, "s"));
        assertEquals("5", JsonScan.text(node, "n"));
        assertNull(JsonScan.text(node, "o"));
        assertNull(JsonScan.text(node, "z"));
        assertNull(JsonScan.text(node, "missing"));
        assertEquals(5L, JsonScan.count(node, "n"));
        assertNull(JsonScan.count(node, "s"));
        assertEquals(0.25, JsonScan.number(node, "d"));
        assertNull(JsonScan.parse("not json"));
    }

    @Test
    void unwrapsApiErrorsPassedThroughAsJsonText() {
        assertEquals(
                "fake error 400 (invalid_request_error)",
                JsonScan.apiErrorMessage(
                        "{\"error\": {\"message\": \"fake error 400\", \"type\": \"invalid_request_error\", \"code\": null}}"));
        assertEquals(
                "fake error 400 (INVALID_ARGUMENT)",
                JsonScan.apiErrorMessage(
                        "[API Error: {\"error\":{\"code\":400,\"message\":\"fake error 400\",\"status\":\"INVALID_ARGUMENT\"}}]"));
        assertEquals("plain message", JsonScan.apiErrorMessage("plain message"));
        assertEquals("{not json}", JsonScan.apiErrorMessage("{not json}"));
    }
}
