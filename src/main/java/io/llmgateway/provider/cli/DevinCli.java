package io.llmgateway.provider.cli;

import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.ProviderOption;
import java.util.List;

/**
 * Cognition Devin CLI: {@code devin [options] -p -- <prompt>}, run in workingDir (it has no directory
 * flag). Output is plain text only: no session id, usage or cost, so the gateway cannot continue a
 * conversation by itself; {@code --resume=<id>} (a native id) and {@code --continue} (latest in the
 * directory) work.
 */
public final class DevinCli implements ProviderCli {

    @Override
    public ProviderId id() {
        return ProviderId.DEVIN;
    }

    @Override
    public String summary() {
        return "Runs Cognition Devin CLI (`devin -p`) as an autonomous coding agent: depending on permissionMode it "
                + "reads and edits files and runs shell commands in workingDir.";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(
                ProviderOption.of(
                        "permissionMode",
                        OptionType.STRING,
                        "Auto (approve "
                                + "read-only tools), accept-edits, smart, dangerous (approve all); older Devin: normal, dangerous, bypass."));
    }

    @Override
    public Invocation invocation(CanonicalRequest request, ScratchFiles scratch) {
        Argv argv = new Argv()
                .option("--model", request.model())
                .option("--permission-mode", request.options().string("permissionMode"));
        switch (request.continuation().kind()) {
            case RESUME -> argv.option("--resume", request.continuation().nativeSessionId());
            case LATEST -> argv.add("--continue");
            case FRESH -> {
                // a new session
            }
        }
        return Invocation.of(argv.add("-p", "--", request.prompt()).build(), null);
    }

    @Override
    public ParsedOutput parse(String stdout, String stderr) {
        return ParsedOutput.builder().response(stdout.strip()).build();
    }

    /** {@code devin auth status}, read by its wording; WINDSURF_API_KEY also authenticates. */
    @Override
    public LoginStatus loginStatus(StatusContext context) {
        return LoginChecks.textStatus(context, "WINDSURF_API_KEY", "auth", "status");
    }

    @Override
    public String loginHint() {
        return "`devin auth login`";
    }

    @Override
    public boolean reportsSessionId() {
        return false;
    }
}
