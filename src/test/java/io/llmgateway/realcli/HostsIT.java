package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.support.GatewayProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each real host CLI uses the gateway exactly as {@code setup --client <host> --write} registered it, offline
 * against {@link FakeModelApi}: the host's model calls a gateway request tool, the gateway runs another real CLI,
 * and its reply reaches the host's model in the next turn. Credentials and endpoints are only in the host's
 * environment (setup writes their names, never their values), so each host's own forwarding is what delivers
 * them. Skipped when the CLIs are not installed (scripts/install-clis.sh).
 */
class HostsIT extends RealCliFixture {
    private static final Duration HOST_TIMEOUT = Duration.ofSeconds(180);
    /** A credential value that must never appear in a config file setup writes. */
    private static final String SECRET = "sk-ant-fake-secret-never-written";

    /** Codex passes servers only HOME and PATH: the claude credentials arrive through env_vars. */
    @Test
    void codexExecCallsClaudeRequest() {
        Host host = host(RealCli.CODEX, RealCli.CLAUDE);
        String config = host.setUp("codex", ".codex/config.toml");
        assertTrue(config.contains("default_tools_approval_mode = \"approve\""), config);

        // With a catalogue model (gpt-5.5) codex 0.169 offers MCP tools only through its tool_search tool (observed
        // with these 27 tools at 49.7 KB too), which the fake does not drive; an unknown model gets them directly.
        CliProcess.Outcome run = host.run(host.env.command(
                "exec", "--skip-git-repo-check", "-m", "fake-model", "please FAKE_CALL_TOOL=claude_request"));

        host.assertReplyReachedTheHostsModel(run, "/v1/responses", "/v1/messages");
    }

    /** Gemini drops KEY variables and shows its model only text: the text must name the gw-* session. */
    @Test
    void geminiHeadlessCallsClaudeRequestAndSeesTheSession() {
        Host host = host(RealCli.GEMINI, RealCli.CLAUDE);
        String config = host.setUp("gemini", ".gemini/settings.json");
        assertTrue(config.contains("\"ANTHROPIC_API_KEY\": \"$ANTHROPIC_API_KEY\""), config);
        assertFalse(config.contains("\"trust\""), "setup never switches trust on");

        // --yolo: headless gemini offers only tools it need not confirm (setup's notes say so); --skip-trust: this
        // folder.
        CliProcess.Outcome run =
                host.run(host.env.command("-p", "please FAKE_CALL_TOOL=claude_request", "--yolo", "--skip-trust"));

        String nextTurn = host.assertReplyReachedTheHostsModel(run, ":streamGenerateContent", "/v1/messages");
        assertTrue(nextTurn.contains("[gateway] session gw-"), "Gemini's model sees the session: " + nextTurn);
        assertTrue(run.stdout().contains("[gateway] session gw-"), run::toString);
    }

    /** Claude Code passes its whole environment; codex's config and key come from the host's HOME and environment. */
    @Test
    void claudeCodeCallsCodexRequest() {
        Host host = host(RealCli.CLAUDE, RealCli.CODEX);
        host.setUp("claude-code", ".claude.json");

        CliProcess.Outcome run = host.run(host.env.command(
                "-p", "please FAKE_CALL_TOOL=codex_request", "--allowedTools", "mcp__llm-cli-gateway__codex_request"));

        host.assertReplyReachedTheHostsModel(run, "/v1/messages", "/v1/responses");
    }

    /** The host CLI's offline environment, with the provider CLI's config files and variables added. */
    private static Host host(RealCli hostCli, RealCli providerCli) {
        RealCliEnvironment provider = environment(providerCli);
        RealCliEnvironment host = environment(hostCli);
        copyTree(provider.home(), host.home());
        Map<String, String> env = new LinkedHashMap<>(provider.environment());
        env.putAll(host.environment());
        if (providerCli == RealCli.CLAUDE) {
            env.put("ANTHROPIC_API_KEY", SECRET);
        }
        env.put(providerCli.commandVariable(), provider.binary().toString());
        env.put("LLM_GATEWAY_HOME", host.home().resolve("gateway-data").toString());
        return new Host(
                new RealCliEnvironment(hostCli, host.binary(), host.home(), host.workDir(), host.tmpDir(), env),
                providerCli,
                api.requests().size());
    }

    private record Host(RealCliEnvironment env, RealCli provider, int requestsBefore) {
        /** Runs setup --client id --write as a user would, in the host's environment; returns the file it wrote. */
        String setUp(String client, String configFile) {
            CliProcess.Outcome setup = CliProcess.run(
                    List.of(
                            GatewayProcess.javaExecutable(),
                            "-jar",
                            GatewayProcess.jar().toString(),
                            "setup",
                            "--client",
                            client,
                            "--write"),
                    env.environment(),
                    env.workDir(),
                    "",
                    Duration.ofSeconds(120),
                    env.tmpDir());
            assertEquals(0, setup.exitCode(), setup::toString);
            assertTrue(setup.stdout().contains("registered as \"llm-cli-gateway\""), setup::toString);
            try {
                String written = Files.readString(env.home().resolve(configFile));
                assertFalse(written.contains(SECRET), "no credential value is written: " + written);
                return written;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        CliProcess.Outcome run(List<String> command) {
            return CliProcess.run(command, env.environment(), env.workDir(), "", HOST_TIMEOUT, env.tmpDir());
        }

        /**
         * The provider CLI got the relayed prompt from the gateway, the host's model got the provider's reply
         * back in its next turn, and the host printed that model's answer. Returns the next turn's request body.
         */
        String assertReplyReachedTheHostsModel(CliProcess.Outcome run, String hostApi, String providerApi) {
            List<FakeModelApi.RecordedRequest> requests =
                    api.requests().subList(requestsBefore, api.requests().size());
            String diagnostics = run + "\n--- fake API refusals\n" + api.failures() + "\n--- requests\n"
                    + String.join(
                            "\n",
                            requests.stream()
                                    .map(r -> r.method() + " " + r.path() + " " + abbreviate(r.body()))
                                    .toList());
            assertEquals(0, run.exitCode(), diagnostics);
            String innerReply = FakeModelApi.expectedReply(provider, 1, FakeModelApi.RELAYED_PROMPT);
            assertTrue(
                    requests.stream()
                            .anyMatch(r ->
                                    r.path().contains(providerApi) && r.body().contains(FakeModelApi.RELAYED_PROMPT)),
                    "the gateway ran " + provider + ": " + diagnostics);
            String nextTurn = requests.stream()
                    .filter(r -> r.path().contains(hostApi) && r.body().contains(innerReply))
                    .map(FakeModelApi.RecordedRequest::body)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the reply never reached the host's model: " + diagnostics));
            assertTrue(run.stdout().contains(FakeModelApi.TOOL_RESULT_REPLY), diagnostics);
            assertTrue(run.stdout().contains(innerReply), diagnostics);
            return nextTurn;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 1500 ? text : text.substring(0, 1500) + "…";
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
