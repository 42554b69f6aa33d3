package io.llmgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.support.SpecialFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyParserTest {
    private final PolicyParser parser = new PolicyParser();

    private Policy parse(String json) {
        return parser.parse("policy.json", json.getBytes(StandardCharsets.UTF_8));
    }

    private String error(String json) {
        return assertThrows(InvalidPolicyException.class, () -> parse(json)).getMessage();
    }

    @Test
    void parsesTheCanonicalExample() {
        Policy policy = parse("""
                {"version":"1","default":"deny","tools":{"session_set_active":{"limits":[
                  {"counter":"session_set_active_rate","window":"minute","max":30,"scope":"grant"}]}}}
                """);
        assertFalse(policy.allowUnlisted());
        ToolRule rule = policy.ruleFor("session_set_active").orElseThrow();
        assertEquals(
                List.of(new Limit(
                        "session_set_active_rate",
                        60,
                        30,
                        "/tools/session_set_active/limits/session_set_active_rate",
                        true)),
                rule.limits());
        assertEquals(ToolAction.ALLOW, rule.action());
    }

    @Test
    void parsesEveryTopLevelField() {
        Policy policy = parse("""
                {
                  "version": "1",
                  "default": "allow",
                  "hide": ["session_delete", "session_clear_all"],
                  "all_tools": {"limits": [{"counter": "everything", "window": "hour", "max": 500}]},
                  "tools": {"session_get": {}, "session_list": {}}
                }
                """);
        assertTrue(policy.allowUnlisted());
        assertEquals(Set.of("session_delete", "session_clear_all"), policy.hiddenTools());
        assertFalse(policy.hideUnlisted());
        assertEquals(
                List.of(new Limit("everything", 3600, 500, "/all_tools/limits/everything")), policy.allToolLimits());
        assertEquals(ToolRule.ALLOWED, policy.ruleFor("session_get").orElseThrow());
        assertEquals(Set.of("session_get", "session_list"), policy.tools().keySet());
    }

    @Test
    void limitWindowsAndScopeIsOptional() {
        Policy policy = parse("""
                {"version":"1","default":"deny","tools":{"t":{"limits":[
                  {"counter":"a","window":"minute","max":1},
                  {"counter":"b","window":"hour","max":2},
                  {"counter":"c","window":"day","max":3}]}}}
                """);
        List<Limit> limits = policy.ruleFor("t").orElseThrow().limits();
        assertEquals(
                List.of(60L, 3600L, 86400L),
                limits.stream().map(Limit::windowSeconds).toList());
        assertEquals(
                List.of("minute", "hour", "day"),
                limits.stream().map(Limit::windowName).toList());
    }

    @Test
    void hideStarHidesOnlyUnlistedTools() {
        Policy policy = parse("""
                {"version":"1","default":"allow","hide":["*","session_delete"],"tools":{"session_get":{},"session_delete":{}}}
                """);
        assertTrue(policy.hideUnlisted());
        assertTrue(policy.hides("claude_request"));
        assertFalse(policy.hides("session_get"));
        assertTrue(policy.hides("session_delete"), "an explicit hide wins over a tools entry");
    }

    @Test
    void parsesPredicatesOfEveryOp() {
        Policy policy = parse("""
                {"version":"1","default":"deny","tools":{"t":{
                  "require":[
                    {"path":"args.a","op":"eq","value":"x"},
                    {"path":"args.b","op":"neq","value":1},
                    {"path":"args.c","op":"in","value":["x","y"]},
                    {"path":"args.d","op":"not_in","value":[1,2]},
                    {"path":"args.e","op":"lt","value":5},
                    {"path":"args.f","op":"lte","value":5.5},
                    {"path":"args.g","op":"gt","value":-1},
                    {"path":"args.h","op":"gte","value":0},
                    {"path":"args.i.j","op":"regex","value":"^/home/"},
                    {"path":"args.k","op":"contains","value":"z"},
                    {"path":"args.l","op":"exists"},
                    {"path":"args.m","op":"exists","value":false}],
                  "deny_if":[{"path":"args.model","op":"eq","value":"big","reason":"too expensive"}]}}}
                """);
        ToolRule rule = policy.ruleFor("t").orElseThrow();
        assertEquals(
                List.of(PredicateOp.values()),
                rule.require().stream().map(ArgumentRule::op).distinct().toList());
        ArgumentRule regex = rule.require().get(8);
        assertEquals(List.of("i", "j"), regex.segments());
        assertEquals("^/home/", regex.pattern().pattern());
        assertEquals("/tools/t/require/8", regex.rule());
        assertTrue(rule.require().get(10).value().asBoolean(), "exists without value means true");
        assertFalse(rule.require().get(11).value().asBoolean());
        ArgumentRule denyIf = rule.denyIf().get(0);
        assertEquals("too expensive", denyIf.reason());
        assertEquals("/tools/t/deny_if/0", denyIf.rule());
    }

    @Test
    void rateLimitAliasMapsKnownWindowsAndKeepsOthersAsFixedWindows() {
        Policy policy = parse("""
                {"version":"1","default":"deny",
                 "all_tools":{"rate_limit":{"max":100,"window":3600}},
                 "tools":{"a":{"rate_limit":{"max":10,"window":60}},
                          "b":{"rate_limit":{"max":5,"window":86400}},
                          "c":{"rate_limit":{"max":2,"window":10}}}}
                """);
        assertEquals(List.of(new Limit("rate_limit:*", 3600, 100, "/all_tools/rate_limit")), policy.allToolLimits());
        assertEquals(
                new Limit("rate_limit:a", 60, 10, "/tools/a/rate_limit"),
                policy.ruleFor("a").orElseThrow().limits().get(0));
        assertEquals("day", policy.ruleFor("b").orElseThrow().limits().get(0).windowName());
        Limit tenSeconds = policy.ruleFor("c").orElseThrow().limits().get(0);
        assertEquals(10, tenSeconds.windowSeconds());
        assertEquals("10 s", tenSeconds.windowName());
    }

    @Test
    void actionAliases() {
        Policy policy = parse("""
                {"version":"1","default":"allow","tools":{
                  "a":{"action":"deny","reason":"use b instead"},
                  "b":{"action":"require_approval"},
                  "c":{"action":"allow"}}}
                """);
        assertEquals(ToolAction.DENY, policy.ruleFor("a").orElseThrow().action());
        assertEquals("use b instead", policy.ruleFor("a").orElseThrow().reason());
        assertEquals(
                ToolAction.REQUIRE_APPROVAL, policy.ruleFor("b").orElseThrow().action());
        assertNull(policy.ruleFor("b").orElseThrow().reason());
        assertEquals(ToolAction.ALLOW, policy.ruleFor("c").orElseThrow().action());
    }

    @Test
    void ruleNamesEscapeSlashesAsJsonPointer() {
        Policy policy = parse("""
                {"version":"1","default":"deny","tools":{"a/b~c":{"limits":[{"counter":"n","window":"minute","max":1}]}}}
                """);
        assertEquals(
                "/tools/a~1b~0c/limits/n",
                policy.ruleFor("a/b~c").orElseThrow().limits().get(0).rule());
    }

    @Test
    void errorsNameLineColumnAndFieldPath() {
        assertEquals(
                "policy.json line 7, column 44: tools.session_create.limits[0].window must be minute, hour or day",
                error("""
                        {
                          "version": "1",
                          "default": "deny",
                          "tools": {
                            "session_create": {
                              "limits": [
                                {"counter": "session_create_rate", "window": "week", "max": 30}
                              ]
                            }
                          }
                        }
                        """));
    }

    @Test
    void unknownFieldsAreErrorsAtEveryLevel() {
        assertEquals(
                "policy.json line 3, column 3: defualt is not a known field; expected one of version, default,"
                        + " hide, all_tools, tools",
                error("""
                {"version": "1",
                  "default": "deny",
                  "defualt": "allow"}
                """));
        assertEquals(
                "policy.json line 2, column 18: tools.t.limts is not a known field; expected one of require,"
                        + " deny_if, limits, rate_limit, action, reason",
                error("""
                {"version": "1", "default": "deny",
                 "tools": {"t": {"limts": []}}}
                """));
        assertEquals(
                "policy.json line 1, column 72: tools.t.limits[0].windw is not a known field; expected one of"
                        + " counter, window, max, scope",
                error("""
                {"version":"1","default":"deny","tools":{"t":{"limits":[{"counter":"a","windw":"minute","max":1}]}}}
                """));
        assertEquals(
                "policy.json line 1, column 85: tools.t.require[0].val is not a known field; expected one of"
                        + " path, op, value, reason",
                error("""
                {"version":"1","default":"deny","tools":{"t":{"require":[{"path":"args.a","op":"eq","val":1}]}}}
                """));
        assertEquals(
                "policy.json line 1, column 60: all_tools.rate_limit.per is not a known field; expected one of"
                        + " max, window",
                error("""
                {"version":"1","default":"deny","all_tools":{"rate_limit":{"per":60,"max":1}}}
                """));
        assertEquals(
                "policy.json line 1, column 46: all_tools.require is not a known field; expected one of"
                        + " limits, rate_limit",
                error("""
                {"version":"1","default":"deny","all_tools":{"require":[]}}
                """));
    }

    @Test
    void missingRequiredFieldsPointAtTheirObject() {
        assertEquals("policy.json line 1, column 1: version is required", error("{\"default\":\"deny\"}"));
        assertEquals("policy.json line 1, column 1: default is required", error("{\"version\":\"1\"}"));
        assertEquals("policy.json line 2, column 13: tools.t.limits[0].max is required", error("""
                {"version":"1","default":"deny","tools":{"t":{"limits":[
                            {"counter":"a","window":"minute"}]}}}
                """));
        assertEquals("policy.json line 1, column 58: tools.t.deny_if[0] needs a \"value\" for op \"eq\"", error("""
                {"version":"1","default":"deny","tools":{"t":{"deny_if":[{"path":"args.a","op":"eq"}]}}}
                """));
    }

    @Test
    void valueErrors() {
        String head = "{\"version\":\"1\",\"default\":\"deny\",";
        assertEquals(
                "policy.json line 1, column 2: version must be \"1\" (a string); this gateway knows only version 1",
                error("{\"version\":1,\"default\":\"deny\"}"));
        assertEquals(
                "policy.json line 1, column 2: version must be \"1\" (a string); this gateway knows only version 1",
                error("{\"version\":\"2\",\"default\":\"deny\",\"new_field\":true}"));
        assertEquals(
                "policy.json line 1, column 16: default must be \"allow\" or \"deny\"",
                error("{\"version\":\"1\",\"default\":\"block\"}"));
        assertEquals("policy.json line 1, column 33: hide must be an array", error(head + "\"hide\":\"x\"}"));
        assertEquals(
                "policy.json line 1, column 45: hide[1] must be a tool name or \"*\"",
                error(head + "\"hide\":[\"a\",\" \"]}"));
        assertEquals("policy.json line 1, column 33: tools must be a JSON object", error(head + "\"tools\":[]}"));
        assertEquals(
                "policy.json line 1, column 42: tools.t must be a JSON object",
                error(head + "\"tools\":{\"t\":true}}"));
        assertEquals(
                "policy.json line 1, column 47: tools.t.action must be \"deny\", \"require_approval\" or \"allow\"",
                error(head + "\"tools\":{\"t\":{\"action\":\"block\"}}}"));
        assertEquals(
                "policy.json line 1, column 47: tools.t.reason needs \"action\": \"deny\" or \"require_approval\" next to it",
                error(head + "\"tools\":{\"t\":{\"reason\":\"why\"}}}"));
        assertEquals(
                "policy.json line 1, column 58: tools.t.limits[0].counter must be 1 to 128 characters of letters,"
                        + " digits, _ . : -",
                error(head
                        + "\"tools\":{\"t\":{\"limits\":[{\"counter\":\"a b\",\"window\":\"minute\",\"max\":1}]}}}"));
        assertEquals(
                "policy.json line 1, column 90: tools.t.limits[0].max must be a whole number from 1 to 1000000000",
                error(head + "\"tools\":{\"t\":{\"limits\":[{\"counter\":\"a\",\"window\":\"minute\",\"max\":0}]}}}"));
        assertEquals(
                "policy.json line 1, column 90: tools.t.limits[0].max must be a whole number from 1 to 1000000000",
                error(head
                        + "\"tools\":{\"t\":{\"limits\":[{\"counter\":\"a\",\"window\":\"minute\",\"max\":2.5}]}}}"));
        assertEquals(
                "policy.json line 1, column 98: tools.t.limits[0].scope must be \"grant\" (a count per grant), or left out (one count for all)",
                error(
                        head
                                + "\"tools\":{\"t\":{\"limits\":[{\"counter\":\"a\",\"window\":\"minute\",\"max\":1,\"scope\":\"org\"}]}}}"));
        assertEquals(
                "policy.json line 1, column 100: tools.t.limits[1].counter repeats counter \"a\" with the same window"
                        + " in this list",
                error(head + "\"tools\":{\"t\":{\"limits\":[{\"counter\":\"a\",\"window\":\"minute\",\"max\":1},"
                        + "{\"counter\":\"a\",\"window\":\"minute\",\"max\":2}]}}}"));
    }

    @Test
    void rateLimitErrors() {
        String head = "{\"version\":\"1\",\"default\":\"deny\",\"tools\":{\"t\":{\"rate_limit\":";
        assertEquals(
                "policy.json line 1, column 69: tools.t.rate_limit.window must be a number of seconds (e.g. 60, 3600"
                        + " or 86400)",
                error(head + "{\"max\":1,\"window\":\"minute\"}}}}"));
        assertEquals(
                "policy.json line 1, column 69: tools.t.rate_limit.window must be a whole number from 1 to 604800",
                error(head + "{\"max\":1,\"window\":2592000}}}}"));
        assertEquals(
                "policy.json line 1, column 47: tools.t.rate_limit.window is required", error(head + "{\"max\":1}}}}"));
    }

    @Test
    void predicateErrors() {
        String head = "{\"version\":\"1\",\"default\":\"deny\",\"tools\":{\"t\":{\"require\":[";
        assertEquals(
                "policy.json line 1, column 59: tools.t.require[0].path must look like \"args.<name>\" or"
                        + " \"args.<name>.<name>\", e.g. \"args.workingDir\"",
                error(head + "{\"path\":\"workingDir\",\"op\":\"exists\"}]}}}"));
        assertEquals(
                "policy.json line 1, column 59: tools.t.require[0].path must look like \"args.<name>\" or"
                        + " \"args.<name>.<name>\", e.g. \"args.workingDir\"",
                error(head + "{\"path\":\"args..a\",\"op\":\"exists\"}]}}}"));
        assertEquals(
                "policy.json line 1, column 75: tools.t.require[0].op must be one of eq, neq, in, not_in, lt, lte,"
                        + " gt, gte, regex, contains, exists",
                error(head + "{\"path\":\"args.a\",\"op\":\"equals\",\"value\":1}]}}}"));
        assertEquals(
                "policy.json line 1, column 85: tools.t.require[0].value must be an array for op \"in\"",
                error(head + "{\"path\":\"args.a\",\"op\":\"in\",\"value\":\"x\"}]}}}"));
        assertEquals(
                "policy.json line 1, column 85: tools.t.require[0].value must be a number for op \"lt\"",
                error(head + "{\"path\":\"args.a\",\"op\":\"lt\",\"value\":\"5\"}]}}}"));
        assertEquals(
                "policy.json line 1, column 88: tools.t.require[0].value is not a valid regular expression:"
                        + " Unclosed group near index 3",
                error(head + "{\"path\":\"args.a\",\"op\":\"regex\",\"value\":\"(ab\"}]}}}"));
        assertEquals(
                "policy.json line 1, column 88: tools.t.require[0].value must be a string (a Java regular"
                        + " expression) for op \"regex\"",
                error(head + "{\"path\":\"args.a\",\"op\":\"regex\",\"value\":1}]}}}"));
        assertEquals(
                "policy.json line 1, column 89: tools.t.require[0].value must be true or false for op \"exists\""
                        + " (or left out, meaning true)",
                error(head + "{\"path\":\"args.a\",\"op\":\"exists\",\"value\":\"yes\"}]}}}"));
    }

    @Test
    void syntaxErrorsDuplicatesAndEmptyFiles() {
        String broken = error("""
                {"version": "1",
                 "default": "deny",
                 "tools": {"t": {},}
                }
                """);
        assertTrue(broken.startsWith("policy.json line 3, column 20: invalid JSON: Unexpected character ('}'"), broken);
        assertEquals("policy.json line 2, column 2: default appears twice", error("""
                {"version":"1","default":"deny",
                 "default":"allow"}
                """));
        assertEquals(
                "policy.json: the file is empty; a policy is a JSON object with \"version\" and \"default\"",
                error("  \n"));
        assertEquals("policy.json line 1, column 1: the policy must be a JSON object", error("[]"));
        assertEquals(
                "policy.json line 1, column 34: unexpected content after the policy object",
                error("{\"version\":\"1\",\"default\":\"deny\"} {}"));
    }

    @Test
    void checkReportsSummaryOrError(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.json");
        Files.writeString(good, """
                {"version":"1","default":"deny","hide":["x"],"tools":{"a":{"limits":[{"counter":"c","window":"minute","max":1}]},"b":{}}}
                """);
        assertEquals(
                new PolicyCheck(
                        true,
                        "good.json is valid: version 1, default deny, 2 tools listed, 1 hidden,"
                                + " 1 limits, 0 argument rules"),
                parser.check(good));
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"version\":\"1\"}");
        assertEquals(new PolicyCheck(false, "bad.json line 1, column 1: default is required"), parser.check(bad));
        assertEquals(
                new PolicyCheck(false, "missing.json: cannot be read (NoSuchFileException)"),
                parser.check(dir.resolve("missing.json")));
    }

    @Test
    void checkRefusesAFifoWithoutWaitingForAWriter(@TempDir Path dir) throws Exception {
        Path fifo = SpecialFiles.fifo(dir.resolve("rules.json"));
        PolicyCheck check = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> parser.check(fifo));
        assertEquals(
                new PolicyCheck(
                        false,
                        "rules.json is a FIFO (named pipe), not a regular file; a policy must be"
                                + " a regular file of at most 1 MiB"),
                check);
    }

    @Test
    void theShippedExampleIsValid() {
        PolicyCheck check = parser.check(Path.of("docs/policy.example.json"));
        assertTrue(check.ok(), check.message());
        Policy policy = parser.parse(Path.of("docs/policy.example.json"));
        assertFalse(policy.allowUnlisted());
        assertTrue(policy.hides("session_delete") && policy.hides("session_clear_all"));
        assertTrue(policy.hides("cli_upgrade"), "it installs software from the network");
        assertEquals(ToolRule.ALLOWED, policy.ruleFor("session_get").orElseThrow());
        assertEquals(ToolRule.ALLOWED, policy.ruleFor("session_list").orElseThrow());
        assertEquals(
                List.of(new Limit(
                        "session_set_active_rate",
                        60,
                        30,
                        "/tools/session_set_active/limits/session_set_active_rate",
                        true)),
                policy.ruleFor("session_set_active").orElseThrow().limits());
        assertEquals(
                30,
                policy.ruleFor("session_create").orElseThrow().limits().get(0).max());
        for (String provider : List.of("claude", "codex", "gemini", "grok", "mistral", "devin", "cursor")) {
            for (String tool : List.of(provider + "_request", provider + "_request_async")) {
                Limit limit = policy.ruleFor(tool).orElseThrow().limits().get(0);
                assertEquals(10, limit.max(), tool);
                assertEquals(60, limit.windowSeconds(), tool);
                assertEquals(provider + "_request_rate", limit.counter(), "a submit and a sync request share a quota");
            }
        }
        for (String tool : List.of("claude_request", "claude_request_async")) {
            ArgumentRule rule = policy.ruleFor(tool).orElseThrow().denyIf().get(0);
            assertEquals("args.mcpConfig exists", rule.describe(), tool);
        }
        for (String tool : List.of("codex_request", "codex_request_async")) {
            ArgumentRule rule = policy.ruleFor(tool).orElseThrow().denyIf().get(0);
            assertEquals("args.configOverrides exists", rule.describe(), tool);
            assertEquals(
                    "args.dangerouslyBypassApprovalsAndSandbox eq true",
                    policy.ruleFor(tool).orElseThrow().denyIf().get(1).describe(),
                    tool);
        }
        for (String tool : List.of("gemini_request", "gemini_request_async")) {
            assertEquals(
                    "args.yolo eq true",
                    policy.ruleFor(tool).orElseThrow().denyIf().get(0).describe(),
                    tool);
        }
        assertTrue(check.message().endsWith("18 limits, 8 argument rules"), check.message());
    }
}
