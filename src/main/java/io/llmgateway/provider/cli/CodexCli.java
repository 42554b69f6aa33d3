package io.llmgateway.provider.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import io.llmgateway.provider.api.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * OpenAI Codex: {@code codex exec --json --skip-git-repo-check [options] [resume -- <id>|resume --last] -},
 * the prompt on stdin ({@code -}). Options go before {@code resume}, where {@code exec} applies them to
 * the resumed thread too ({@code exec resume} itself rejects e.g. {@code --sandbox}). Usage on a resumed
 * thread is cumulative over the thread.
 */
public final class CodexCli implements ProviderCli {
    private static final ObjectMapper MAPPER = Json.newMapper();
    /** Items besides MCP tool calls whose start the progress line names by their type. */
    private static final Set<String> STARTED_ITEMS = Set.of("command_execution", "file_change", "web_search");

    private static final String IGNORED = "Deprecated; ignored.";

    private static final Pattern CONFIG_KEY = Pattern.compile("[A-Za-z0-9_.-]+");

    @Override
    public ProviderId id() {
        return ProviderId.CODEX;
    }

    @Override
    public String summary() {
        return "Runs OpenAI Codex (`codex exec`) as an autonomous coding agent: within sandboxMode it reads and "
                + "edits files and runs shell commands in workingDir without asking for approval.";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(
                ProviderOption.choice(
                        "sandboxMode",
                        "--sandbox: what model-generated shell commands may do.",
                        "read-only",
                        "workspace-write",
                        "danger-full-access"),
                ProviderOption.of(
                        "addDir",
                        OptionType.DIRECTORY_ARRAY,
                        "More writable directories (absolute paths) besides workingDir."),
                ProviderOption.of("profile", OptionType.STRING, "Configuration profile to layer on top."),
                ProviderOption.of(
                        "configOverrides",
                        OptionType.STRING_MAP,
                        "-c key=value overrides of ~/.codex/config.toml; keys are dotted paths of [A-Za-z0-9_.-], "
                                + "values are TOML (e.g. {\"model_reasoning_effort\": \"\\\"high\\\"\"})."),
                ProviderOption.of("outputSchema", OptionType.OBJECT, "A JSON Schema the final reply must follow."),
                ProviderOption.of("fullAuto", OptionType.BOOLEAN, "Deprecated: sandboxMode workspace-write."),
                ProviderOption.of(
                        "dangerouslyBypassApprovalsAndSandbox", OptionType.BOOLEAN, "No sandbox, no approvals."),
                ProviderOption.of("ephemeral", OptionType.BOOLEAN, "Do not persist the session."),
                ProviderOption.of("images", OptionType.FILE_ARRAY, "Image files (absolute paths)."),
                ProviderOption.of("ignoreUserConfig", OptionType.BOOLEAN, "Skip ~/.codex/config.toml."),
                ProviderOption.of("ignoreRules", OptionType.BOOLEAN, "Skip project rule files."),
                // Accepted for the original's callers; today's codex exec has no such flags, so they change nothing.
                ProviderOption.choice("askForApproval", IGNORED, "untrusted", "on-request", "never"),
                ProviderOption.of("useLegacyFullAutoFlag", OptionType.BOOLEAN, IGNORED),
                ProviderOption.of("search", OptionType.BOOLEAN, IGNORED));
    }

    @Override
    public Invocation invocation(CanonicalRequest request, ScratchFiles scratch) {
        ProviderOptions options = request.options();
        Argv argv = new Argv()
                .add("exec", "--json", "--skip-git-repo-check")
                .option("--model", request.model())
                .option("--sandbox", sandboxMode(options))
                .addIf(
                        options.bool("dangerouslyBypassApprovalsAndSandbox").orElse(false),
                        "--dangerously-bypass-approvals-and-sandbox")
                .repeated("--add-dir", options.directories("addDir"))
                .option("--profile", options.string("profile"))
                .repeated("--config", configOverrides(options.stringMap("configOverrides")))
                .addIf(options.bool("ephemeral").orElse(false), "--ephemeral")
                .repeated("--image", options.strings("images"))
                .addIf(options.bool("ignoreUserConfig").orElse(false), "--ignore-user-config")
                .addIf(options.bool("ignoreRules").orElse(false), "--ignore-rules");
        options.object("outputSchema")
                .ifPresent(schema -> argv.option(
                        "--output-schema",
                        scratch.write("codex-output-schema-", ".json", toJson(schema))
                                .toString()));
        switch (request.continuation().kind()) {
            // "--" ends the options: the id (and the "-" for stdin after it) can only be positionals.
            case RESUME -> argv.add("resume", "--", request.continuation().nativeSessionId());
            case LATEST -> argv.add("resume", "--last");
            case FRESH -> {
                // exec starts a new thread
            }
        }
        return Invocation.of(argv.add("-").build(), request.prompt());
    }

    /** sandboxMode, else the deprecated fullAuto's {@code workspace-write} (as the original expands it). */
    private static Optional<String> sandboxMode(ProviderOptions options) {
        return options.string("sandboxMode")
                .or(() -> options.bool("fullAuto").orElse(false) ? Optional.of("workspace-write") : Optional.empty());
    }

    private static List<String> configOverrides(Map<String, String> overrides) {
        List<String> values = new ArrayList<>();
        overrides.forEach((key, value) -> {
            if (!CONFIG_KEY.matcher(key).matches()) {
                throw GatewayException.invalidArgument("configOverrides keys are dotted paths of letters, digits and "
                        + "_ . - (e.g. model_reasoning_effort); got '" + Excerpts.head(key, 80) + "'.");
            }
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw GatewayException.invalidArgument(
                        "The configOverrides value for '" + key + "' must be on one line.");
            }
            values.add(key + "=" + value);
        });
        return values;
    }

    private static String toJson(Map<String, Object> schema) {
        try {
            return MAPPER.writeValueAsString(schema);
        } catch (JsonProcessingException e) {
            throw GatewayException.invalidArgument("outputSchema is not serialisable as JSON.");
        }
    }

    /** An {@code item.started} event of a tool call, a command, a file change or a web search. */
    @Override
    public Optional<String> toolStarted(JsonNode event) {
        if (!"item.started".equals(JsonScan.text(event, "type"))) {
            return Optional.empty();
        }
        JsonNode item = event.path("item");
        String itemType = item.path("type").asText("");
        if ("mcp_tool_call".equals(itemType)) {
            String tool = JsonScan.firstText(item, "tool", "name");
            return Optional.of(tool != null ? tool : itemType);
        }
        return STARTED_ITEMS.contains(itemType) ? Optional.of(itemType) : Optional.empty();
    }

    @Override
    public ParsedOutput parse(String stdout, String stderr) {
        ParsedOutput.Builder out = ParsedOutput.builder();
        String turnFailure = null;
        String lastError = null;
        boolean turnCompleted = false;
        for (JsonNode event : JsonScan.objects(stdout)) {
            switch (String.valueOf(JsonScan.text(event, "type"))) {
                case "thread.started" -> out.nativeSessionId(JsonScan.text(event, "thread_id"));
                case "item.completed" -> {
                    JsonNode item = event.path("item");
                    String itemType = JsonScan.text(item, "type");
                    if ("agent_message".equals(itemType)) {
                        out.response(JsonScan.text(item, "text"));
                    } else if ("error".equals(itemType) && JsonScan.text(item, "message") != null) {
                        out.warning("Codex: " + JsonScan.text(item, "message"));
                    }
                }
                case "turn.completed" -> {
                    turnCompleted = true;
                    JsonNode usage = event.path("usage");
                    out.usage(new Usage(
                            JsonScan.count(usage, "input_tokens"),
                            JsonScan.count(usage, "output_tokens"),
                            JsonScan.count(usage, "cached_input_tokens"),
                            JsonScan.count(usage, "cache_write_input_tokens")));
                }
                case "turn.failed" ->
                    turnFailure = JsonScan.apiErrorMessage(JsonScan.text(event.path("error"), "message"));
                case "error" -> lastError = JsonScan.apiErrorMessage(JsonScan.text(event, "message"));
                default -> {
                    // turn.started, item.started, item.updated: progress only
                }
            }
        }
        // "error" events also report retries that later succeed; they matter only if the turn never completed.
        out.error(turnFailure != null ? turnFailure : turnCompleted ? null : lastError);
        return out.build();
    }

    @Override
    public Optional<ClassifiedFailure> classify(FinishedRun run) {
        if (run.exitCode() != 0 && run.stderr().contains("no rollout found")) {
            String id = run.request().continuation().isResume()
                    ? run.request().continuation().nativeSessionId()
                    : "";
            return Optional.of(new ClassifiedFailure(
                    ErrorCode.SESSION_NOT_FOUND,
                    "Codex has no recorded thread " + id
                            + " (no rollout found under its CODEX_HOME); check the id or start a new session."));
        }
        return Optional.empty();
    }

    /** {@code codex login status}: exit 0 when logged in ("Logged in using ChatGPT", "API key configured"). */
    @Override
    public LoginStatus loginStatus(StatusContext context) {
        Optional<ProcessOutcome> outcome = context.run("login", "status");
        if (outcome.isEmpty()) {
            return LoginStatus.unknown("`codex login status` did not answer in time");
        }
        String text = LoginChecks.text(outcome.get());
        if (LoginChecks.exitedZero(outcome.get())) {
            String method = text.contains("chatgpt") ? "chatgpt" : text.contains("api key") ? "api_key" : null;
            return LoginStatus.loggedIn(method, "codex login status");
        }
        if (text.contains("not logged in")) {
            return LoginStatus.notLoggedIn("codex login status says not logged in");
        }
        return LoginStatus.unknown(
                "`codex login status` exited with " + outcome.get().exitCode());
    }

    @Override
    public String loginHint() {
        return "`codex login` (or `codex login --with-api-key`)";
    }

    @Override
    public boolean reportsCumulativeUsage() {
        return true;
    }
}
