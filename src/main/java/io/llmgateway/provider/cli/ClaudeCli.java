package io.llmgateway.provider.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Claude Code: {@code claude -p --output-format stream-json --verbose}, the prompt on stdin (no
 * positional prompt: no argv size limit, not visible in ps). Sessions: {@code --resume <id>},
 * {@code --continue}; transcripts are kept per working directory. {@code --max-turns} is accepted by
 * {@code claude -p} although its help does not list it (observed on 2.1.197: a run over the limit ends
 * with a result event of subtype {@code error_max_turns}, exit 1).
 */
public final class ClaudeCli implements ProviderCli {
    private static final String NO_CONVERSATION = "No conversation found with session ID";
    /** Set by a parent Claude Code session; a nested claude refuses to start while it is set. */
    private static final String NESTED_SESSION_GUARD = "CLAUDECODE";

    private static final String MAX_TURNS_REACHED = "error_max_turns";

    @Override
    public ProviderId id() {
        return ProviderId.CLAUDE;
    }

    @Override
    public String summary() {
        return "Runs Claude Code (`claude -p`) as an autonomous coding agent: depending on permissionMode and its "
                + "settings it reads and edits files and runs shell commands in workingDir.";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(
                ProviderOption.choice(
                        "permissionMode",
                        "How tool use is approved. 'default' was " + "renamed 'manual' in newer Claude Code versions.",
                        "acceptEdits",
                        "auto",
                        "bypassPermissions",
                        "default",
                        "dontAsk",
                        "manual",
                        "plan"),
                ProviderOption.of(
                        "allowedTools",
                        OptionType.STRING_ARRAY,
                        "Tools allowed without asking, e.g. \"Bash(git *)\", \"Edit\"."),
                ProviderOption.of("disallowedTools", OptionType.STRING_ARRAY, "Tools denied."),
                ProviderOption.of(
                        "addDir",
                        OptionType.DIRECTORY_ARRAY,
                        "More directories (absolute paths) the tools may access."),
                ProviderOption.of(
                        "appendSystemPrompt", OptionType.STRING, "Text appended to the default system prompt."),
                ProviderOption.of("maxTurns", OptionType.INTEGER, "Stop after this many agent turns (model replies)."),
                ProviderOption.of(
                        "maxBudgetUsd", OptionType.NUMBER, "Stop when its API calls cost more than this (USD)."),
                ProviderOption.of(
                        "mcpConfig",
                        OptionType.STRING_ARRAY,
                        "MCP server configurations (JSON file paths or JSON strings)."));
    }

    @Override
    public Invocation invocation(CanonicalRequest request, ScratchFiles scratch) {
        ProviderOptions options = request.options();
        Argv argv = new Argv()
                .add("-p", "--output-format=stream-json", "--verbose")
                .option("--model", request.model())
                .option("--permission-mode", options.string("permissionMode"))
                .repeated("--allowed-tools", options.strings("allowedTools"))
                .repeated("--disallowed-tools", options.strings("disallowedTools"))
                .repeated("--add-dir", options.directories("addDir"))
                .option("--append-system-prompt", options.string("appendSystemPrompt"))
                .option("--max-turns", options.positiveInteger("maxTurns"))
                .option("--max-budget-usd", options.positiveNumber("maxBudgetUsd"))
                .repeated("--mcp-config", options.strings("mcpConfig"));
        switch (request.continuation().kind()) {
            case RESUME -> argv.option("--resume", request.continuation().nativeSessionId());
            case LATEST -> argv.add("--continue");
            case FRESH -> {
                // a new session; its id arrives in the init event
            }
        }
        return new Invocation(argv.build(), request.prompt(), Map.of(), Set.of(NESTED_SESSION_GUARD));
    }

    @Override
    public Optional<String> toolStarted(JsonNode event) {
        return ResultEventParser.toolStarted(event);
    }

    @Override
    public ParsedOutput parse(String stdout, String stderr) {
        Set<String> denied = new LinkedHashSet<>();
        List<String> stoppedAtMaxTurns = new ArrayList<>(1);
        ParsedOutput.Builder out = ResultEventParser.parse(stdout, result -> {
            for (JsonNode denial : result.path("permission_denials")) {
                denied.add(denial.path("tool_name").asText("unknown tool"));
            }
            if (MAX_TURNS_REACHED.equals(JsonScan.text(result, "subtype"))) {
                // The result event of a run stopped by --max-turns carries no message of its own.
                stoppedAtMaxTurns.add("Claude Code reached its maxTurns limit before finishing; continue the session"
                        + " (its sessionId) to let it go on, or raise maxTurns.");
            }
        });
        stoppedAtMaxTurns.forEach(out::error);
        if (!denied.isEmpty()) {
            out.warning("Claude Code was denied permission for: " + String.join(", ", denied)
                    + "; allow them with permissionMode or allowedTools if the task needs them.");
        }
        return out.build();
    }

    @Override
    public Optional<ClassifiedFailure> classify(FinishedRun run) {
        if (run.exitCode() != 0 && run.stderr().contains(NO_CONVERSATION)) {
            return Optional.of(
                    new ClassifiedFailure(
                            ErrorCode.SESSION_NOT_FOUND,
                            "Claude Code has no conversation "
                                    + sessionDescription(run) + " in "
                                    + run.request().workingDir() + "; Claude keeps conversations per "
                                    + "working directory, so resume from the directory it started in, or start a new session."));
        }
        return Optional.empty();
    }

    private static String sessionDescription(FinishedRun run) {
        Continuation c = run.request().continuation();
        return c.isResume() ? c.nativeSessionId() : "to continue";
    }

    /** {@code claude auth status --json}: {"loggedIn":bool,"authMethod":…}; exit 1 when not logged in. */
    @Override
    public LoginStatus loginStatus(StatusContext context) {
        Optional<ProcessOutcome> outcome = context.run("auth", "status", "--json");
        if (outcome.isEmpty()) {
            return LoginStatus.unknown("`claude auth status` did not answer in time");
        }
        Optional<JsonNode> status = LoginChecks.jsonObject(outcome.get())
                .filter(s -> s.path("loggedIn").isBoolean());
        if (status.isEmpty()) {
            return LoginStatus.unknown("`claude auth status` answered in an unknown format (exit "
                    + outcome.get().exitCode() + ")");
        }
        return status.get().get("loggedIn").asBoolean()
                ? LoginStatus.loggedIn(status.get().path("authMethod").asText(null), "claude auth status")
                : LoginStatus.notLoggedIn("claude auth status says not logged in");
    }

    @Override
    public String loginHint() {
        return "`claude auth login`, or set ANTHROPIC_API_KEY in the gateway's environment";
    }

    @Override
    public boolean resumesPerDirectory() {
        return true;
    }
}
