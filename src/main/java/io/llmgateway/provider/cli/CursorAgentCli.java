package io.llmgateway.provider.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import java.util.List;
import java.util.Optional;

/**
 * Cursor Agent: {@code cursor-agent --print --output-format=stream-json --workspace=<dir> [options] -- <prompt>}
 * (the prompt after {@code --}, so a leading '-' stays a prompt). stream-json has Claude Code's shape
 * ({@code system/init}, {@code assistant}, {@code result} with {@code session_id}); no usage or cost.
 * Sessions: {@code --resume=<chatId>}, {@code --continue}.
 */
public final class CursorAgentCli implements ProviderCli {
    private static final String TRUST_REQUIRED = "Workspace Trust Required";

    @Override
    public ProviderId id() {
        return ProviderId.CURSOR;
    }

    @Override
    public String summary() {
        return "Runs Cursor Agent (`cursor-agent --print`) as an autonomous coding agent: it reads and edits files "
                + "in workingDir and, with force, runs shell commands without asking.";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(
                ProviderOption.of(
                        "force", OptionType.BOOLEAN, "Allow commands unless explicitly denied (default false)."),
                ProviderOption.choice(
                        "mode", "Plan or ask (read-only); omit for the default agent mode.", "plan", "ask"),
                ProviderOption.choice("sandbox", "Run commands in Cursor's sandbox or not.", "enabled", "disabled"),
                ProviderOption.of(
                        "addDir", OptionType.DIRECTORY_ARRAY, "More directories (absolute paths) in the workspace."),
                ProviderOption.of(
                        "trustWorkspace",
                        OptionType.BOOLEAN,
                        "--trust: trust workingDir headlessly "
                                + "(default true); Cursor then also loads its rules and MCP configuration."));
    }

    @Override
    public Invocation invocation(CanonicalRequest request, ScratchFiles scratch) {
        ProviderOptions options = request.options();
        Argv argv = new Argv()
                .add("--print", "--output-format=stream-json")
                .option("--workspace", request.workingDir().toString())
                .option("--model", request.model())
                .addIf(options.bool("force").orElse(false), "--force")
                .option("--mode", options.string("mode"))
                .option("--sandbox", options.string("sandbox"))
                .repeated("--add-dir", options.directories("addDir"))
                .addIf(options.bool("trustWorkspace").orElse(true), "--trust");
        switch (request.continuation().kind()) {
            case RESUME -> argv.option("--resume", request.continuation().nativeSessionId());
            case LATEST -> argv.add("--continue");
            case FRESH -> {
                // a new chat; its id arrives in the init event
            }
        }
        return Invocation.of(argv.add("--", request.prompt()).build(), null);
    }

    @Override
    public Optional<String> toolStarted(JsonNode event) {
        return ResultEventParser.toolStarted(event);
    }

    @Override
    public ParsedOutput parse(String stdout, String stderr) {
        return ResultEventParser.parse(stdout, result -> {}).build();
    }

    @Override
    public Optional<ClassifiedFailure> classify(FinishedRun run) {
        if (run.exitCode() != 0
                && (run.stderr().contains(TRUST_REQUIRED) || run.stdout().contains(TRUST_REQUIRED))) {
            return Optional.of(new ClassifiedFailure(
                    ErrorCode.CLI_ERROR,
                    "Cursor Agent refused to run in "
                            + run.request().workingDir() + " because the workspace is not trusted (\"Workspace Trust "
                            + "Required\"); pass trustWorkspace:true."));
        }
        return Optional.empty();
    }

    /** {@code cursor-agent status}, read by its wording; CURSOR_API_KEY also authenticates. */
    @Override
    public LoginStatus loginStatus(StatusContext context) {
        return LoginChecks.textStatus(context, "CURSOR_API_KEY", "status");
    }

    @Override
    public String loginHint() {
        return "`cursor-agent login`, or set CURSOR_API_KEY in the gateway's environment";
    }
}
