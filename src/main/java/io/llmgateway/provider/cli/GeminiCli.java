package io.llmgateway.provider.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import io.llmgateway.provider.api.Usage;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Google Gemini CLI: {@code gemini --output-format=stream-json --prompt=}, the prompt on stdin (the
 * {@code -p} text, empty here, is appended to what stdin carries). Sessions: {@code --resume <id>|latest},
 * kept per project directory. Exit codes: 41 authentication, 42 input (an unknown session when resuming),
 * 55 untrusted directory, HTTP status &amp; 0xFF for API errors (401 → 145, 403 → 147).
 */
public final class GeminiCli implements ProviderCli {
    static final int EXIT_AUTH = 41;
    static final int EXIT_INPUT = 42;
    static final int EXIT_UNTRUSTED = 55;
    private static final int EXIT_HTTP_401 = 401 & 0xFF;
    private static final int EXIT_HTTP_403 = 403 & 0xFF;

    @Override
    public ProviderId id() {
        return ProviderId.GEMINI;
    }

    @Override
    public String summary() {
        return "Runs Google Gemini CLI (`gemini -p`) as an autonomous coding agent: depending on approvalMode it "
                + "reads and edits files and runs shell commands in workingDir.";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(
                ProviderOption.choice(
                        "approvalMode",
                        "Default (ask; headless runs deny what needs "
                                + "approval), auto_edit (approve edits), yolo (approve everything), plan (read-only).",
                        "default",
                        "auto_edit",
                        "yolo",
                        "plan"),
                ProviderOption.of(
                        "includeDirectories",
                        OptionType.DIRECTORY_ARRAY,
                        "More directories (absolute paths) in the workspace."),
                ProviderOption.of(
                        "includeDirs", OptionType.DIRECTORY_ARRAY, "The original's name of includeDirectories."),
                ProviderOption.of("yolo", OptionType.BOOLEAN, "Same as approvalMode yolo (approve everything)."),
                ProviderOption.of("sandbox", OptionType.BOOLEAN, "--sandbox: run tools in Gemini CLI's sandbox."),
                ProviderOption.of(
                        "trustWorkspace",
                        OptionType.BOOLEAN,
                        "Trust workingDir for this run "
                                + "(--skip-trust; default true). With false, Gemini CLI refuses to run in a directory the "
                                + "user has not trusted."));
    }

    /** approvalMode, or yolo's; yolo with another mode contradicts it (the original refuses it too). */
    private static Optional<String> approvalMode(ProviderOptions options) {
        Optional<String> mode = options.string("approvalMode");
        if (!options.bool("yolo").orElse(false)) {
            return mode;
        }
        if (mode.isPresent() && !mode.get().equals("yolo")) {
            throw GatewayException.invalidArgument("yolo approves everything, so it cannot be combined with "
                    + "approvalMode '" + mode.get() + "'; send one of them.");
        }
        return Optional.of("yolo");
    }

    @Override
    public Invocation invocation(CanonicalRequest request, ScratchFiles scratch) {
        ProviderOptions options = request.options();
        Argv argv = new Argv()
                .add("--output-format=stream-json", "--prompt=")
                .option("--model", request.model())
                .option("--approval-mode", approvalMode(options))
                .repeated("--include-directories", options.directories("includeDirectories"))
                .repeated("--include-directories", options.directories("includeDirs"))
                .addIf(options.bool("sandbox").orElse(false), "--sandbox")
                .addIf(options.bool("trustWorkspace").orElse(true), "--skip-trust");
        switch (request.continuation().kind()) {
            case RESUME -> argv.option("--resume", request.continuation().nativeSessionId());
            case LATEST -> argv.option("--resume", "latest");
            case FRESH -> {
                // a new session; its id arrives in the init event
            }
        }
        return Invocation.of(argv.build(), request.prompt());
    }

    /**
     * Reads {@code stream-json} events ({@code init}, {@code message}, {@code result}), the one
     * {@code json} object ({@code session_id}, {@code response}, {@code stats}) and the error object
     * Gemini prints on stderr in json mode.
     */
    /** stream-json announces each tool call with a {@code tool_use} event. */
    @Override
    public Optional<String> toolStarted(JsonNode event) {
        return "tool_use".equals(JsonScan.text(event, "type"))
                ? Optional.ofNullable(JsonScan.firstText(event, "tool_name", "name"))
                : Optional.empty();
    }

    @Override
    public ParsedOutput parse(String stdout, String stderr) {
        ParsedOutput.Builder out = ParsedOutput.builder();
        StringBuilder streamed = new StringBuilder();
        boolean sawMessages = false;
        for (JsonNode event : JsonScan.objects(stdout)) {
            String type = JsonScan.text(event, "type");
            if ("init".equals(type)) {
                out.nativeSessionId(JsonScan.text(event, "session_id"));
                String model = JsonScan.text(event, "model");
                if (!"auto".equals(model)) {
                    out.model(model);
                }
            } else if ("message".equals(type) && "assistant".equals(JsonScan.text(event, "role"))) {
                sawMessages = true;
                streamed.append(event.path("content").asText(""));
            } else if ("result".equals(type)) {
                readStats(event.path("stats"), out);
                if ("error".equals(JsonScan.text(event, "status"))) {
                    out.error(errorMessage(event.path("error")));
                }
            } else if (type == null) {
                readJsonResult(event, out);
            }
        }
        if (sawMessages) {
            out.response(streamed.toString());
        }
        for (JsonNode object : JsonScan.objects(stderr)) {
            if (object.has("error")) {
                out.nativeSessionId(JsonScan.text(object, "session_id"));
                out.error(errorMessage(object.path("error")));
            }
        }
        return out.build();
    }

    private static void readJsonResult(JsonNode result, ParsedOutput.Builder out) {
        out.nativeSessionId(JsonScan.text(result, "session_id"));
        if (result.has("response")) {
            out.response(JsonScan.text(result, "response"));
        }
        if (result.has("error")) {
            out.error(errorMessage(result.path("error")));
        }
        JsonNode models = result.path("stats").path("models");
        long input = 0;
        long output = 0;
        long cached = 0;
        for (JsonNode model : models) {
            JsonNode tokens = model.path("tokens");
            input += tokens.path("prompt").asLong(0);
            output += tokens.path("candidates").asLong(0);
            cached += tokens.path("cached").asLong(0);
        }
        if (models.size() > 0) {
            out.usage(new Usage(input, output, cached, null));
            if (out.model() == null) {
                out.model(mainModel(models));
            }
        }
    }

    private static void readStats(JsonNode stats, ParsedOutput.Builder out) {
        if (!stats.isObject()) {
            return;
        }
        out.usage(new Usage(
                JsonScan.count(stats, "input_tokens"),
                JsonScan.count(stats, "output_tokens"),
                JsonScan.count(stats, "cached"),
                null));
        if (out.model() == null) {
            out.model(mainModel(stats.path("models")));
        }
    }

    /**
     * The model that answered: the one in the "main" role when roles are reported, else the one that
     * wrote the most output (a routing model answers first when no model is chosen), the later one on a tie.
     */
    private static String mainModel(JsonNode models) {
        String best = null;
        long bestOutput = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode stats = entry.getValue();
            if (stats.path("roles").has("main")) {
                return entry.getKey();
            }
            long output = stats.has("output_tokens")
                    ? stats.path("output_tokens").asLong()
                    : stats.path("tokens").path("candidates").asLong();
            if (output >= bestOutput) {
                best = entry.getKey();
                bestOutput = output;
            }
        }
        return best;
    }

    private static String errorMessage(JsonNode error) {
        String message = JsonScan.text(error, "message");
        return message == null ? null : JsonScan.apiErrorMessage(message);
    }

    @Override
    public Optional<ClassifiedFailure> classify(FinishedRun run) {
        Continuation continuation = run.request().continuation();
        switch (run.exitCode()) {
            case EXIT_UNTRUSTED -> {
                return Optional.of(new ClassifiedFailure(
                        ErrorCode.CLI_ERROR,
                        "Gemini CLI refused to run in "
                                + run.request().workingDir() + " because the directory is not trusted (exit 55); pass "
                                + "trustWorkspace:true, or trust the folder in Gemini CLI."));
            }
            case EXIT_INPUT -> {
                if (continuation.continuesConversation()) {
                    return Optional.of(new ClassifiedFailure(
                            ErrorCode.SESSION_NOT_FOUND,
                            "Gemini CLI has no session "
                                    + (continuation.isResume() ? continuation.nativeSessionId() : "to continue")
                                    + " for "
                                    + run.request().workingDir()
                                    + " (exit 42); Gemini keeps sessions per project directory, "
                                    + "so resume from the directory it started in, or start a new session."));
                }
                return Optional.empty();
            }
            case EXIT_AUTH, EXIT_HTTP_401, EXIT_HTTP_403 -> {
                return Optional.of(ClassifiedFailure.authRequired(
                        this,
                        run.output().error() != null ? run.output().error() : Excerpts.lastLine(run.stderr(), 300)));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** Gemini has no status command: an API key, OAuth credentials or Google application-default credentials. */
    @Override
    public LoginStatus loginStatus(StatusContext context) {
        return LoginChecks.credentials(
                context,
                List.of("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS"),
                List.of(
                        ".gemini/oauth_creds.json",
                        ".gemini/.env",
                        ".config/gcloud/application_default_credentials.json"));
    }

    @Override
    public String loginHint() {
        return "`gemini` once in a terminal to sign in, or set GEMINI_API_KEY in the gateway's environment";
    }

    @Override
    public boolean resumesPerDirectory() {
        return true;
    }
}
