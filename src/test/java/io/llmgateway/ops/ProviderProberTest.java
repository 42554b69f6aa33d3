package io.llmgateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.provider.cli.LoginStatus;
import io.llmgateway.provider.cli.ProviderRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probing fake provider CLIs: missing, hanging, not logged in, logged in; all in parallel. */
class ProviderProberTest {
    @TempDir
    Path bin;

    @TempDir
    Path home;

    private final RunGroup probes = new RunGroup();

    @AfterEach
    void closeRunner() {
        probes.close();
    }

    private void fake(String name, String body) throws IOException {
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    /** PATH holds only the fakes, so real CLIs on this machine never count; fakes use shell built-ins and absolute paths. */
    private ProviderProber prober(Duration timeout, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("PATH", bin.toString());
        env.put("HOME", home.toString());
        return new ProviderProber(ProviderRegistry.standard(), probes, env, timeout);
    }

    private static ProbeResult status(List<ProbeResult> all, ProviderId cli) {
        return all.stream().filter(s -> s.cli() == cli).findFirst().orElseThrow();
    }

    @Test
    void missingClisCostNothingAndAreNotProblems() {
        List<ProbeResult> all = prober(Duration.ofSeconds(5), Map.of()).probe(List.of(ProviderId.values()));
        assertEquals(ProviderId.values().length, all.size());
        for (ProbeResult s : all) {
            assertFalse(s.installed(), s.cli().wireName());
            assertNull(s.path());
            assertNull(s.problem());
            assertEquals(LoginStatus.State.UNKNOWN, s.login().state());
        }
    }

    @Test
    void anOverrideNamingAMissingFileIsAProblem() {
        ProbeResult claude = prober(Duration.ofSeconds(5), Map.of("LLM_GATEWAY_CLAUDE_COMMAND", "/nowhere/claude"))
                .probe(List.of(ProviderId.CLAUDE))
                .get(0);
        assertFalse(claude.installed());
        assertTrue(claude.overridden());
        assertTrue(claude.problem().contains("LLM_GATEWAY_CLAUDE_COMMAND"), claude.problem());
    }

    @Test
    void readsVersionsAndLoginStatesWithoutLeakingWhatTheCliPrinted() throws IOException {
        fake("claude", """
                case "$1" in
                  --version) echo '2.1.197 (Claude Code)' ;;
                  auth) echo '{"loggedIn": false, "authMethod": "none", "email": "someone@example.com"}'; exit 1 ;;
                esac""");
        fake("codex", """
                echo 'WARNING: proceeding, even though we could not create PATH aliases' >&2
                case "$1" in
                  --version) echo 'WARNING: something first'; echo 'codex-cli 0.169.0' ;;
                  login) echo 'Logged in using ChatGPT (someone@example.com)' >&2 ;;
                esac""");
        fake("gemini", "echo 0.61.0");
        fake("grok", "echo 'grok 1.0.4 (d846eb93d9) [stable]'");
        fake("cursor-agent", """
                case "$1" in
                  --version) echo '2026.08.11-e8db854' ;;
                  status) echo 'Not logged in'; exit 1 ;;
                esac""");

        List<ProbeResult> all = prober(Duration.ofSeconds(20), Map.of("GEMINI_API_KEY", "secret-value"))
                .probe(List.of(ProviderId.values()));

        ProbeResult claude = status(all, ProviderId.CLAUDE);
        assertEquals("2.1.197", claude.version());
        assertEquals("2.1.197 (Claude Code)", claude.versionText());
        assertEquals(bin.resolve("claude").toString(), claude.path());
        assertEquals(LoginStatus.State.NOT_LOGGED_IN, claude.login().state());
        ProbeResult codex = status(all, ProviderId.CODEX);
        assertEquals("0.169.0", codex.version());
        assertEquals(LoginStatus.State.LOGGED_IN, codex.login().state());
        assertEquals("chatgpt", codex.login().method());
        ProbeResult gemini = status(all, ProviderId.GEMINI);
        assertEquals(LoginStatus.State.LOGGED_IN, gemini.login().state());
        assertEquals("GEMINI_API_KEY is set", gemini.login().detail());
        assertEquals("1.0.4", status(all, ProviderId.GROK).version());
        assertEquals(
                LoginStatus.State.NOT_LOGGED_IN,
                status(all, ProviderId.GROK).login().state());
        ProbeResult cursor = status(all, ProviderId.CURSOR);
        assertEquals("2026.08.11-e8db854", cursor.version());
        assertEquals(LoginStatus.State.NOT_LOGGED_IN, cursor.login().state());
        assertFalse(status(all, ProviderId.DEVIN).installed());
        for (ProbeResult s : all) {
            String text = s.toString();
            assertFalse(text.contains("someone@example.com"), text);
            assertFalse(text.contains("secret-value"), text);
        }
    }

    @Test
    void aLoggedInClaudeReportsItsMethod() throws IOException {
        fake("claude", """
                case "$1" in
                  --version) echo '2.1.197 (Claude Code)' ;;
                  auth) echo '{"loggedIn": true, "authMethod": "api_key", "apiKeySource": "ANTHROPIC_API_KEY"}' ;;
                esac""");
        ProbeResult claude = prober(Duration.ofSeconds(20), Map.of())
                .probe(List.of(ProviderId.CLAUDE))
                .get(0);
        assertEquals(LoginStatus.State.LOGGED_IN, claude.login().state());
        assertEquals("api_key", claude.login().method());
        assertNull(claude.problem());
    }

    /**
     * Each fake's --version waits until all three have started; run one after the other, the first
     * would wait past the timeout and be reported as hanging.
     */
    @Test
    void probesEveryCliAtTheSameTime() throws IOException {
        Path marks = Files.createDirectory(home.resolve("marks"));
        for (String name : List.of("claude", "codex", "gemini")) {
            fake(name, """
                    if [ "$1" != --version ]; then exit 1; fi
                    cd '%s' && : > %s
                    for i in {1..400}; do
                      [ -e claude ] && [ -e codex ] && [ -e gemini ] && { echo '%s 1.2.3'; exit 0; }
                      /bin/sleep 0.05
                    done
                    exit 7""".formatted(marks, name, name));
        }
        List<ProbeResult> all = prober(Duration.ofSeconds(15), Map.of())
                .probe(List.of(ProviderId.CLAUDE, ProviderId.CODEX, ProviderId.GEMINI));
        for (ProbeResult s : all) {
            assertEquals("1.2.3", s.version(), s.cli() + ": " + s.problem());
            assertNull(s.problem(), s.cli().wireName());
        }
    }

    @Test
    void aHangingCliIsStoppedAtTheTimeoutAndReported() throws IOException, InterruptedException {
        Path pidFile = home.resolve("grok.pid");
        fake("grok", "echo $$ > '" + pidFile + "'\nexec /bin/sleep 600");
        fake("claude", """
                case "$1" in
                  --version) echo '2.1.197 (Claude Code)' ;;
                  auth) exec /bin/sleep 600 ;;
                esac""");

        List<ProbeResult> all =
                prober(Duration.ofMillis(1500), Map.of()).probe(List.of(ProviderId.GROK, ProviderId.CLAUDE));

        ProbeResult grok = status(all, ProviderId.GROK);
        assertTrue(grok.installed());
        assertNull(grok.version());
        assertEquals("`grok --version` did not answer within 1500 ms", grok.problem());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the hanging CLI was killed");
        ProbeResult claude = status(all, ProviderId.CLAUDE);
        assertEquals("2.1.197", claude.version());
        assertEquals(LoginStatus.State.UNKNOWN, claude.login().state());
        assertTrue(
                claude.login().detail().contains("did not answer in time"),
                claude.login().detail());
    }

    @Test
    void credentialsFilesCountAsLoggedIn() throws IOException {
        fake("vibe", "echo 'vibe 2.24.1'");
        Files.createDirectories(home.resolve(".vibe"));
        Files.writeString(home.resolve(".vibe/.env"), "MISTRAL_API_KEY=x\n");
        ProbeResult vibe = prober(Duration.ofSeconds(20), Map.of())
                .probe(List.of(ProviderId.MISTRAL))
                .get(0);
        assertEquals("2.24.1", vibe.version());
        assertEquals(LoginStatus.State.LOGGED_IN, vibe.login().state());
        assertEquals("credentials_file", vibe.login().method());
    }

    @Test
    void versionNumbersAreTakenFromEveryBannerShape() {
        assertEquals("2.1.197", ProviderProber.versionNumber("2.1.197 (Claude Code)"));
        assertEquals("0.169.0", ProviderProber.versionNumber("codex-cli 0.169.0"));
        assertEquals("3000.4.25", ProviderProber.versionNumber("devin 3000.4.25 (7e8e528a)"));
        assertEquals("2026.08.11-e8db854", ProviderProber.versionNumber("2026.08.11-e8db854"));
        assertNull(ProviderProber.versionNumber("unknown"));
    }
}
