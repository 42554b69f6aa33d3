package io.llmgateway.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.files.RegularFileReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses and validates PolicyLayer JSON (version "1") into a {@link Policy}. Strict on purpose: an
 * unknown or repeated field is an error, because a typo in a security policy must not pass
 * silently. Every error names the file, line, column and field path.
 */
public final class PolicyParser {
    /** Longest {@code rate_limit.window} accepted: a week. Longer windows are almost always a unit mistake. */
    static final long MAX_RATE_LIMIT_WINDOW_SECONDS = 7 * Limit.DAY;

    static final long MAX_LIMIT = 1_000_000_000L;
    /** Largest policy file read: far above any real policy, small enough that no file can exhaust memory. */
    static final int MAX_FILE_BYTES = 1 << 20;
    /** How long reading the file may take; a regular file of 1 MiB takes milliseconds. */
    static final Duration READ_PATIENCE = Duration.ofSeconds(5);

    private static final Pattern COUNTER_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private static final List<String> TOP_FIELDS = List.of("version", "default", "hide", "all_tools", "tools");
    private static final List<String> ALL_TOOLS_FIELDS = List.of("limits", "rate_limit");
    private static final List<String> TOOL_FIELDS =
            List.of("require", "deny_if", "limits", "rate_limit", "action", "reason");
    private static final List<String> PREDICATE_FIELDS = List.of("path", "op", "value", "reason");
    private static final List<String> LIMIT_FIELDS = List.of("counter", "window", "max", "scope");
    private static final List<String> RATE_LIMIT_FIELDS = List.of("max", "window");

    private final JsonFactory jsonFactory = new JsonFactory();

    /**
     * Reads and parses {@code file}; errors are reported under the file's name. Only a regular file of
     * at most {@link #MAX_FILE_BYTES} is read, and never for longer than {@link #READ_PATIENCE}, so a
     * FIFO, a device or a huge file is an error rather than a hang (see {@link RegularFileReader}).
     */
    public Policy parse(Path file) {
        String source = String.valueOf(file.getFileName());
        byte[] content;
        try {
            content = RegularFileReader.read(file, MAX_FILE_BYTES, READ_PATIENCE);
        } catch (IOException e) {
            throw InvalidPolicyException.unreadable(file, e);
        }
        return parse(source, content);
    }

    /** Parses policy JSON; {@code source} names it in error messages (e.g. "policy.json"). */
    public Policy parse(String source, byte[] content) {
        Document document = new Document(source);
        try (JsonParser parser = jsonFactory.createParser(content)) {
            if (parser.nextToken() == null) {
                throw new InvalidPolicyException(source + ": the file is empty; a policy is a JSON object with"
                        + " \"version\" and \"default\"");
            }
            JsonNode root = document.read(parser, "");
            if (parser.nextToken() != null) {
                throw document.errorAt(parser.currentTokenLocation(), "unexpected content after the policy object");
            }
            return new Builder(document).policy(root);
        } catch (JsonProcessingException e) {
            throw document.errorAt(e.getLocation(), "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidPolicyException(
                    source + ": cannot be parsed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Validation for {@code --check-policy FILE}: never throws for a bad policy. */
    public PolicyCheck check(Path file) {
        try {
            Policy policy = parse(file);
            return new PolicyCheck(true, file.getFileName() + " is valid: version 1, " + policy.summary());
        } catch (InvalidPolicyException e) {
            return new PolicyCheck(false, e.getMessage());
        }
    }

    /** Escapes a name for a JSON-pointer-like rule path (RFC 6901: ~ as ~0, / as ~1). */
    static String pointerSegment(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON tree plus the location of every value, keyed by field path like {@code tools.x.limits[0]}. */
    private static final class Document {
        private final String source;
        private final Map<String, JsonLocation> locations = new HashMap<>();
        private final JsonNodeFactory nodes = JsonNodeFactory.withExactBigDecimals(true);

        Document(String source) {
            this.source = source;
        }

        JsonNode read(JsonParser parser, String path) throws IOException {
            locations.putIfAbsent(path, parser.currentTokenLocation());
            switch (parser.currentToken()) {
                case START_OBJECT -> {
                    ObjectNode object = nodes.objectNode();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        String child = join(path, name);
                        if (object.has(name)) {
                            throw errorAt(parser.currentTokenLocation(), child + " appears twice");
                        }
                        locations.put(child, parser.currentTokenLocation());
                        parser.nextToken();
                        object.set(name, read(parser, child));
                    }
                    return object;
                }
                case START_ARRAY -> {
                    ArrayNode array = nodes.arrayNode();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        array.add(read(parser, path + "[" + array.size() + "]"));
                    }
                    return array;
                }
                case VALUE_STRING -> {
                    return nodes.textNode(parser.getText());
                }
                case VALUE_NUMBER_INT -> {
                    return nodes.numberNode(parser.getBigIntegerValue());
                }
                case VALUE_NUMBER_FLOAT -> {
                    return nodes.numberNode(parser.getDecimalValue());
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    return nodes.booleanNode(parser.getBooleanValue());
                }
                case VALUE_NULL -> {
                    return nodes.nullNode();
                }
                default -> throw errorAt(parser.currentTokenLocation(), "unexpected " + parser.currentToken());
            }
        }

        InvalidPolicyException error(String path, String problem) {
            return errorAt(locations.get(path), (path.isEmpty() ? "the policy" : path) + " " + problem);
        }

        InvalidPolicyException errorAt(JsonLocation location, String problem) {
            String where =
                    location == null ? "" : " line " + location.getLineNr() + ", column " + location.getColumnNr();
            return new InvalidPolicyException(source + where + ": " + problem);
        }

        static String join(String path, String name) {
            return path.isEmpty() ? name : path + "." + name;
        }
    }

    /** Turns the located tree into the model, checking every field. */
    private static final class Builder {
        private final Document doc;

        Builder(Document doc) {
            this.doc = doc;
        }

        Policy policy(JsonNode root) {
            ObjectNode top = object("", root);
            JsonNode version = required("", top, "version");
            if (!version.isTextual() || !"1".equals(version.textValue())) {
                throw doc.error("version", "must be \"1\" (a string); this gateway knows only version 1");
            }
            onlyFields("", top, TOP_FIELDS);
            String defaultAction = string("default", required("", top, "default"));
            if (!defaultAction.equals("allow") && !defaultAction.equals("deny")) {
                throw doc.error("default", "must be \"allow\" or \"deny\"");
            }
            Set<String> hidden = new HashSet<>();
            boolean hideUnlisted = false;
            if (top.has("hide")) {
                ArrayNode hide = array("hide", top.get("hide"));
                for (int i = 0; i < hide.size(); i++) {
                    String name = toolName("hide[" + i + "]", hide.get(i));
                    if (name.equals("*")) {
                        hideUnlisted = true;
                    } else {
                        hidden.add(name);
                    }
                }
            }
            List<Limit> allToolLimits = List.of();
            if (top.has("all_tools")) {
                ObjectNode allTools = object("all_tools", top.get("all_tools"));
                onlyFields("all_tools", allTools, ALL_TOOLS_FIELDS);
                allToolLimits = limits("all_tools", allTools, "/all_tools", "rate_limit:*");
            }
            Map<String, ToolRule> tools = new LinkedHashMap<>();
            if (top.has("tools")) {
                ObjectNode toolsNode = object("tools", top.get("tools"));
                toolsNode.fields().forEachRemaining(e -> {
                    String path = "tools." + e.getKey();
                    if (e.getKey().isBlank()) {
                        throw doc.error(path, "has a blank tool name");
                    }
                    tools.put(e.getKey(), toolRule(path, e.getKey(), e.getValue()));
                });
            }
            return new Policy(defaultAction.equals("allow"), hidden, hideUnlisted, allToolLimits, tools);
        }

        private ToolRule toolRule(String path, String tool, JsonNode node) {
            ObjectNode rule = object(path, node);
            onlyFields(path, rule, TOOL_FIELDS);
            String rulePrefix = "/tools/" + pointerSegment(tool);
            ToolAction action = ToolAction.ALLOW;
            if (rule.has("action")) {
                String name = string(path + ".action", rule.get("action"));
                action = Arrays.stream(ToolAction.values())
                        .filter(a -> a.wireName().equals(name))
                        .findFirst()
                        .orElseThrow(() ->
                                doc.error(path + ".action", "must be \"deny\", \"require_approval\" or \"allow\""));
            }
            String reason = optionalString(path + ".reason", rule.get("reason"));
            if (reason != null && action == ToolAction.ALLOW) {
                throw doc.error(path + ".reason", "needs \"action\": \"deny\" or \"require_approval\" next to it");
            }
            return new ToolRule(
                    action,
                    reason,
                    predicates(path + ".require", rule.get("require"), rulePrefix + "/require"),
                    predicates(path + ".deny_if", rule.get("deny_if"), rulePrefix + "/deny_if"),
                    limits(path, rule, rulePrefix, "rate_limit:" + tool));
        }

        private List<ArgumentRule> predicates(String path, JsonNode node, String rulePrefix) {
            if (node == null) {
                return List.of();
            }
            ArrayNode array = array(path, node);
            List<ArgumentRule> rules = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                rules.add(predicate(path + "[" + i + "]", array.get(i), rulePrefix + "/" + i));
            }
            return rules;
        }

        private ArgumentRule predicate(String path, JsonNode node, String rule) {
            ObjectNode predicate = object(path, node);
            onlyFields(path, predicate, PREDICATE_FIELDS);
            String argumentPath = string(path + ".path", required(path, predicate, "path"));
            List<String> segments = List.of(argumentPath.split("\\.", -1));
            if (segments.size() < 2 || !segments.get(0).equals("args") || segments.contains("")) {
                throw doc.error(
                        path + ".path",
                        "must look like \"args.<name>\" or \"args.<name>.<name>\"," + " e.g. \"args.workingDir\"");
            }
            String opName = string(path + ".op", required(path, predicate, "op"));
            PredicateOp op = PredicateOp.fromWireName(opName)
                    .orElseThrow(() ->
                            doc.error(path + ".op", "must be one of " + String.join(", ", PredicateOp.wireNames())));
            String valuePath = path + ".value";
            JsonNode value = predicate.get("value");
            Pattern pattern = null;
            if (op == PredicateOp.EXISTS) {
                if (value == null) {
                    value = BooleanNode.TRUE;
                } else if (!value.isBoolean()) {
                    throw doc.error(valuePath, "must be true or false for op \"exists\" (or left out, meaning true)");
                }
            } else if (value == null) {
                throw doc.error(path, "needs a \"value\" for op \"" + opName + "\"");
            }
            switch (op) {
                case IN, NOT_IN -> {
                    if (!value.isArray()) {
                        throw doc.error(valuePath, "must be an array for op \"" + opName + "\"");
                    }
                }
                case LT, LTE, GT, GTE -> {
                    if (!value.isNumber()) {
                        throw doc.error(valuePath, "must be a number for op \"" + opName + "\"");
                    }
                }
                case REGEX -> pattern = regex(valuePath, value);
                default -> {}
            }
            String reason = optionalString(path + ".reason", predicate.get("reason"));
            List<String> belowArgs = segments.subList(1, segments.size());
            return new ArgumentRule(argumentPath, belowArgs, op, value, pattern, reason, rule);
        }

        private Pattern regex(String path, JsonNode value) {
            if (!value.isTextual()) {
                throw doc.error(path, "must be a string (a Java regular expression) for op \"regex\"");
            }
            try {
                return Pattern.compile(value.textValue());
            } catch (PatternSyntaxException e) {
                throw doc.error(
                        path,
                        "is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
            }
        }

        private List<Limit> limits(String path, ObjectNode owner, String rulePrefix, String rateLimitCounter) {
            List<Limit> limits = new ArrayList<>();
            if (owner.has("limits")) {
                ArrayNode array = array(path + ".limits", owner.get("limits"));
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < array.size(); i++) {
                    Limit limit = limit(path + ".limits[" + i + "]", array.get(i), rulePrefix);
                    if (!seen.add(limit.counter() + "/" + limit.windowSeconds())) {
                        throw doc.error(
                                path + ".limits[" + i + "].counter",
                                "repeats counter \"" + limit.counter() + "\" with the same window in this list");
                    }
                    limits.add(limit);
                }
            }
            if (owner.has("rate_limit")) {
                String limitPath = path + ".rate_limit";
                ObjectNode rateLimit = object(limitPath, owner.get("rate_limit"));
                onlyFields(limitPath, rateLimit, RATE_LIMIT_FIELDS);
                long max = positive(limitPath + ".max", required(limitPath, rateLimit, "max"), MAX_LIMIT);
                JsonNode window = required(limitPath, rateLimit, "window");
                if (!window.isIntegralNumber()) {
                    throw doc.error(limitPath + ".window", "must be a number of seconds (e.g. 60, 3600 or 86400)");
                }
                long seconds = positive(limitPath + ".window", window, MAX_RATE_LIMIT_WINDOW_SECONDS);
                limits.add(new Limit(rateLimitCounter, seconds, max, rulePrefix + "/rate_limit"));
            }
            return limits;
        }

        private Limit limit(String path, JsonNode node, String rulePrefix) {
            ObjectNode limit = object(path, node);
            onlyFields(path, limit, LIMIT_FIELDS);
            String counter = string(path + ".counter", required(path, limit, "counter"));
            if (!COUNTER_NAME.matcher(counter).matches()) {
                throw doc.error(path + ".counter", "must be 1 to 128 characters of letters, digits, _ . : -");
            }
            String window = string(path + ".window", required(path, limit, "window"));
            long seconds = switch (window) {
                case "minute" -> Limit.MINUTE;
                case "hour" -> Limit.HOUR;
                case "day" -> Limit.DAY;
                default -> throw doc.error(path + ".window", "must be minute, hour or day");
            };
            long max = positive(path + ".max", required(path, limit, "max"), MAX_LIMIT);
            boolean perGrant = limit.has("scope");
            if (perGrant && !"grant".equals(limit.get("scope").textValue())) {
                throw doc.error(
                        path + ".scope", "must be \"grant\" (a count per grant), or left out (one count for all)");
            }
            return new Limit(counter, seconds, max, rulePrefix + "/limits/" + pointerSegment(counter), perGrant);
        }

        private void onlyFields(String path, ObjectNode node, List<String> known) {
            node.fieldNames().forEachRemaining(name -> {
                if (!known.contains(name)) {
                    throw doc.error(
                            Document.join(path, name),
                            "is not a known field; expected one of " + String.join(", ", known));
                }
            });
        }

        private JsonNode required(String path, ObjectNode node, String field) {
            JsonNode value = node.get(field);
            if (value == null) {
                throw doc.errorAt(doc.locations.get(path), Document.join(path, field) + " is required");
            }
            return value;
        }

        private ObjectNode object(String path, JsonNode node) {
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw doc.error(path, "must be a JSON object");
        }

        private ArrayNode array(String path, JsonNode node) {
            if (node instanceof ArrayNode array) {
                return array;
            }
            throw doc.error(path, "must be an array");
        }

        private String string(String path, JsonNode node) {
            if (!node.isTextual()) {
                throw doc.error(path, "must be a string");
            }
            return node.textValue();
        }

        private String optionalString(String path, JsonNode node) {
            return node == null ? null : string(path, node);
        }

        private String toolName(String path, JsonNode node) {
            String name = string(path, node);
            if (name.isBlank()) {
                throw doc.error(path, "must be a tool name or \"*\"");
            }
            return name;
        }

        private long positive(String path, JsonNode node, long max) {
            if (!node.isIntegralNumber()
                    || node.bigIntegerValue().signum() <= 0
                    || node.bigIntegerValue().compareTo(BigInteger.valueOf(max)) > 0) {
                throw doc.error(path, "must be a whole number from 1 to " + max);
            }
            return node.longValue();
        }
    }
}
