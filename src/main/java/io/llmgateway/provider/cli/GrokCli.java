package io.llmgateway.provider.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import java.util.List;
import java.util.Optional;

/**
 * xAI Grok Build CLI: {@code grok -p=<prompt> --output-format=streaming-json --cwd=<dir>}. The prompt is
 * attached to {@code -p} because Grok does not honour {@code --} after it, so a prompt starting with '-'
 * stays a prompt. Output: {@code {"type":"text","data":...}} deltas and a final
 * {@code {"type":"end","sessionId":...}}; no usage or cost. Sessions: {@code --resume=<id>}, {@code --continue}.
 */
public final class GrokCli implements ProviderCli {

    @Override
    public ProviderId id() {
        return ProviderId.GROK;
    }

    @Override
    public String summary() {
        return "Runs xAI Grok Build CLI (`grok -p`) as an autonomous coding agent: depending on permissionMode it "
                + "reads and edits files and runs shell commands in workingDir.";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(
                ProviderOption.choice(
                        "permissionMode",
                        "How tool use is approved.",
                        "default",
                        "acceptEdits",
                        "auto",
                        "dontAsk",
                        "bypassPermissions",
                        "plan"),
                ProviderOption.of("sandbox", OptionType.STRING, "Sandbox profile, e.g. workspace-write."),
                ProviderOption.of("maxTurns", OptionType.INTEGER, "Stop after this many agent turns."));
    }

    @Override
    public Invocation invocation(CanonicalRequest request, ScratchFiles scratch) {
        ProviderOptions options = request.options();
        Argv argv = new Argv()
                .option("-p", request.prompt())
                .add("--output-format=streaming-json")
                .option("--cwd", request.workingDir().toString())
                .option("--model", request.model())
                .option("--permission-mode", options.string("permissionMode"))
                .option("--sandbox", options.string("sandbox"))
                .option("--max-turns", options.positiveInteger("maxTurns"));
        switch (request.continuation().kind()) {
            case RESUME -> argv.option("--resume", request.continuation().nativeSessionId());
            case LATEST -> argv.add("--continue");
            case FRESH -> {
                // a new session; its id arrives in the end event
            }
        }
        return Invocation.of(argv.build(), null);
    }

    /** Reads streaming-json events, and also the single json object ({@code text}, {@code sessionId}, {@code error}). */
    @Override
    public ParsedOutput parse(String stdout, String stderr) {
        ParsedOutput.Builder out = ParsedOutput.builder();
        StringBuilder text = new StringBuilder();
        boolean sawText = false;
        for (JsonNode event : JsonScan.objects(stdout)) {
            String type = JsonScan.text(event, "type");
            if ("text".equals(type)) {
                sawText = true;
                text.append(event.path("data").asText(""));
            } else if ("end".equals(type)) {
                out.nativeSessionId(JsonScan.text(event, "sessionId"));
            } else if ("error".equals(type)) {
                out.error(errorText(event));
            } else if (type == null) {
                out.nativeSessionId(JsonScan.text(event, "sessionId"));
                if (event.has("text")) {
                    out.response(JsonScan.text(event, "text"));
                }
                out.error(errorText(event));
            }
        }
        if (sawText) {
            out.response(text.toString());
        }
        return out.build();
    }

    private static String errorText(JsonNode event) {
        JsonNode error = event.get("error");
        if (error != null && error.isObject()) {
            return JsonScan.text(error, "message");
        }
        return error != null && !error.isNull() ? error.asText() : JsonScan.text(event, "message");
    }

    /** Grok has no status command: an API key, or the credentials {@code grok login} stores. */
    @Override
    public LoginStatus loginStatus(StatusContext context) {
        return LoginChecks.credentials(
                context,
                List.of("XAI_API_KEY", "GROK_API_KEY"),
                List.of(".grok/auth.json", ".config/grok/auth.json", ".grok/user-settings.json"));
    }

    @Override
    public String loginHint() {
        return "`grok login`, or set XAI_API_KEY in the gateway's environment";
    }

    @Override
    public Optional<String> emptySuccessExplanation() {
        return Optional.of("Grok CLI exited 0 without printing a reply. This is a known Grok failure (its worker "
                + "handshake fails, e.g. \"worker quit with fatal: unexpected server response\"), not an empty "
                + "answer; retry the request.");
    }
}
