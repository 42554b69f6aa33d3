package io.llmgateway.provider.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mistral Vibe: {@code vibe -p=<prompt> --output=json --workdir=<dir> --agent=<agent>}. The prompt is
 * attached to {@code -p} (its value is optional, so {@code -p -- text} would not work). There is no
 * model flag: {@code VIBE_ACTIVE_MODEL} selects it. stdout carries no session id, so the gateway cannot
 * continue a conversation by itself; {@code --resume=<id>} (a native id) and {@code --continue} work.
 */
public final class MistralVibeCli implements ProviderCli {
    static final String MODEL_VARIABLE = "VIBE_ACTIVE_MODEL";
    static final String DEFAULT_AGENT = "accept-edits";

    @Override
    public ProviderId id() {
        return ProviderId.MISTRAL;
    }

    @Override
    public String summary() {
        return "Runs Mistral Vibe (`vibe -p`) as an autonomous coding agent: depending on agent it reads and edits "
                + "files and runs shell commands in workingDir.";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(
                ProviderOption.of(
                        "agent",
                        OptionType.STRING,
                        "Approval profile: default, plan, "
                                + "accept-edits (the gateway's default; Vibe's own approves all), auto-approve, or a custom agent."),
                ProviderOption.of(
                        "addDir",
                        OptionType.DIRECTORY_ARRAY,
                        "More directories (absolute paths) the agent may use; they are trusted."),
                ProviderOption.of("maxTurns", OptionType.INTEGER, "Stop after this many turns."),
                ProviderOption.of("maxPrice", OptionType.NUMBER, "Stop when the run costs more dollars."),
                ProviderOption.of(
                        "trustWorkspace",
                        OptionType.BOOLEAN,
                        "--trust: trust workingDir for this run only (default true)."));
    }

    @Override
    public Invocation invocation(CanonicalRequest request, ScratchFiles scratch) {
        ProviderOptions options = request.options();
        Argv argv = new Argv()
                .option("-p", request.prompt())
                .add("--output=json")
                .option("--workdir", request.workingDir().toString())
                .option("--agent", options.string("agent").orElse(DEFAULT_AGENT))
                .repeated("--add-dir", options.directories("addDir"))
                .option("--max-turns", options.positiveInteger("maxTurns"))
                .option("--max-price", options.positiveNumber("maxPrice"))
                .addIf(options.bool("trustWorkspace").orElse(true), "--trust");
        switch (request.continuation().kind()) {
            case RESUME -> argv.option("--resume", request.continuation().nativeSessionId());
            case LATEST -> argv.add("--continue");
            case FRESH -> {
                // a new session
            }
        }
        Map<String, String> environment = request.model() == null ? Map.of() : Map.of(MODEL_VARIABLE, request.model());
        return new Invocation(argv.build(), null, environment, Set.of());
    }

    /**
     * {@code --output json} prints the conversation's messages as a JSON array (newer versions wrap them
     * in an object); the reply is the last assistant message. Plain text output is taken as the reply.
     */
    @Override
    public ParsedOutput parse(String stdout, String stderr) {
        ParsedOutput.Builder out = ParsedOutput.builder();
        List<JsonNode> values = JsonScan.objectsAndArrays(stdout);
        if (values.isEmpty()) {
            out.response(stdout.strip());
            return out.build();
        }
        String reply = "";
        for (JsonNode value : values) {
            reply = lastAssistantText(value, reply);
        }
        return out.response(reply).build();
    }

    private static String lastAssistantText(JsonNode node, String latest) {
        String result = latest;
        if (node.isArray()) {
            for (JsonNode element : node) {
                result = lastAssistantText(element, result);
            }
        } else if (node.isObject()) {
            if ("assistant".equals(JsonScan.text(node, "role"))) {
                String text = contentText(node.path("content"));
                return text.isBlank() ? result : text;
            }
            for (JsonNode child : node) {
                if (child.isArray()) {
                    result = lastAssistantText(child, result);
                }
            }
        }
        return result;
    }

    private static String contentText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (block.hasNonNull("text")) {
                text.append(block.get("text").asText());
            }
        }
        return text.toString();
    }

    /** Vibe has no status command: MISTRAL_API_KEY, or the .env file {@code vibe --setup} writes. */
    @Override
    public LoginStatus loginStatus(StatusContext context) {
        String envFile = context.env("VIBE_HOME")
                .map(home -> Path.of(home, ".env").toString())
                .orElse(".vibe/.env");
        return LoginChecks.credentials(context, List.of("MISTRAL_API_KEY"), List.of(envFile));
    }

    @Override
    public String loginHint() {
        return "`vibe --setup`, or set MISTRAL_API_KEY in the gateway's environment";
    }

    @Override
    public boolean reportsSessionId() {
        return false;
    }

    @Override
    public Optional<String> emptySuccessExplanation() {
        return Optional.of("Mistral Vibe exited 0 without printing a reply. This is a known Vibe failure (empty "
                + "success), not an empty answer; retry the request, and see ~/.vibe/logs/vibe.log for the cause.");
    }
}
