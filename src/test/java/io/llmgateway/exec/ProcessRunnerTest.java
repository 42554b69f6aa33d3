package io.llmgateway.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs small bash scripts (src/test/resources/.../fake) that misbehave the way real CLIs can. After
 * every test no process carrying a run's marker may be left. Timeouts here are short; the only timing
 * assertion is the 30 s bound that turns a hang into a failure.
 */
@EnabledOnOs(OS.LINUX)
class ProcessRunnerTest {
    private static final Duration HANG_BOUND = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofMillis(300);
    private static Path fakes;

    @TempDir
    Path workDir;

    private final ProcessRunner runner = new ProcessRunner();
    private final List<String> runIds = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void makeFakesExecutable() throws IOException, URISyntaxException {
        fakes = Path.of(ProcessRunnerTest.class.getResource("fake/print-args.sh").toURI()).getParent();
        try (Stream<Path> scripts = Files.list(fakes)) {
            for (Path script : scripts.toList()) {
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @AfterEach
    void noProcessOfAnyRunSurvives() throws IOException {
        for (String runId : runIds) {
            assertEquals(List.of(), markedProcesses(runId), "processes of run " + runId + " survived");
        }
    }

    @Test
    void argumentsArriveVerbatimWithoutAShell() {
        List<String> args = List.of("two words", "$HOME", "; rm -rf /", "*", "'quoted'", "\"dq\"", "", "ünï");
        ProcessOutcome outcome = run(fake("print-args.sh").args(args.toArray(String[]::new)));

        assertEquals(Termination.EXITED, outcome.termination());
        assertEquals(0, outcome.exitCode());
        assertTrue(outcome.succeeded());
        assertEquals(String.join("\n", args) + "\n", outcome.stdout());
        assertEquals("", outcome.stderr());
    }

    @Test
    void nonZeroExitKeepsBothStreams() {
        ProcessOutcome outcome = run(fake("fail.sh"));

        assertEquals(Termination.EXITED, outcome.termination());
        assertEquals(3, outcome.exitCode());
        assertEquals(3, outcome.reportedExitCode());
        assertFalse(outcome.succeeded());
        assertEquals("partial output\n", outcome.stdout());
        assertEquals("something went wrong\n", outcome.stderr());
    }

    @Test
    void promptLargerThanThePipeBufferIsDeliveredThenEndOfInput() {
        String prompt = "Prompt with ünïcödé and emoji 🙂\n".repeat(10_000);
        ProcessOutcome outcome = run(fake("cat-stdin.sh").stdin(prompt));

        assertEquals(Termination.EXITED, outcome.termination());
        assertEquals(prompt + "<eof>\n", outcome.stdout());
    }

    @Test
    void withoutStdinTextStdinIsClosedAtOnce() {
        ProcessOutcome outcome = run(fake("cat-stdin.sh"));

        assertEquals(Termination.EXITED, outcome.termination());
        assertEquals("<eof>\n", outcome.stdout());
    }

    @Test
    void environmentAndWorkingDirectoryAreTheSpecsPlusTheRunMarker() throws IOException {
        ProcessOutcome outcome = run(fake("env-and-cwd.sh")
                .environment(Map.of("PATH", "/usr/bin:/bin", "FOO", "bar baz")));

        String[] lines = outcome.stdout().split("\n");
        assertEquals("FOO=bar baz", lines[0]);
        assertEquals(workDir.toRealPath().toString(), lines[1]);
        assertTrue(List.of(lines).contains(ProcessTree.markerVariable(outcome.runId()) + "=1"), outcome.stdout());
        assertFalse(outcome.stdout().contains("HOME="), "the JVM's environment leaked into the child");
    }

    @Test
    void wallTimeoutKillsAChildThatKeepsWriting() {
        ProcessOutcome outcome = run(fake("tick.sh").wallTimeout(Duration.ofSeconds(1)));

        assertEquals(Termination.TIMEOUT, outcome.termination());
        assertNull(outcome.exitCode());
        assertEquals(124, outcome.reportedExitCode());
        assertTrue(outcome.stdout().startsWith("tick\n"), outcome.stdout());
    }

    @Test
    void outputResetsTheIdleTimer() {
        // tick.sh writes every 0.1 s, far inside the idle timeout: only the wall timeout can end it.
        ProcessOutcome outcome = run(fake("tick.sh")
                .idleTimeout(Duration.ofMillis(1500)).wallTimeout(Duration.ofSeconds(3)));

        assertEquals(Termination.TIMEOUT, outcome.termination());
    }

    @Test
    void idleTimeoutKillsASilentChildAndKeepsItsOutput() {
        ProcessOutcome outcome = run(fake("silent.sh").idleTimeout(Duration.ofMillis(500)));

        assertEquals(Termination.IDLE_TIMEOUT, outcome.termination());
        assertNull(outcome.exitCode());
        assertEquals(125, outcome.reportedExitCode());
        assertEquals("hello\n", outcome.stdout());
    }

    @Test
    void childIgnoringSigtermIsKilledAfterTheGrace() {
        // Idle timing starts after "ready", so the trap is in place before the gateway stops it.
        ProcessOutcome outcome = run(fake("ignore-term.sh").idleTimeout(Duration.ofMillis(500)));

        assertEquals(Termination.IDLE_TIMEOUT, outcome.termination());
        assertEquals("ready\n", outcome.stdout());
    }

    @Test
    void cancelKillsTheChildAndTheGrandchildItForked() throws Exception {
        RunningProcess running = start(fake("fork-child.sh"));
        long deadline = System.nanoTime() + HANG_BOUND.toNanos();
        List<Long> grandchildren = List.of();
        while (grandchildren.isEmpty()) {
            assertTrue(System.nanoTime() - deadline < 0, "parent and grandchild should both run");
            Thread.sleep(20);
            grandchildren = markedProcesses(running.runId()).stream().filter(pid -> pid != running.pid()).toList();
        }

        running.cancel();
        ProcessOutcome outcome = await(running);

        assertEquals(Termination.CANCELLED, outcome.termination());
        assertNull(outcome.exitCode());
        assertNull(outcome.reportedExitCode());
        assertEquals(running.pid(), outcome.pid());
        assertFalse(isRunning(grandchildren.get(0)));
    }

    @Test
    void orphanHoldingTheOutputPipesIsReapedAfterTheParentExits() {
        ProcessOutcome outcome = run(fake("orphan.sh"));

        assertEquals(Termination.EXITED, outcome.termination());
        assertEquals(0, outcome.exitCode());
        assertFalse(isRunning(pidAfter("orphan=", outcome.stdout())));
    }

    @Test
    void orphanWithoutTheMarkerIsFoundThroughThePipeItHolds() {
        ProcessOutcome outcome = run(fake("orphan-without-marker.sh"));

        assertEquals(Termination.EXITED, outcome.termination());
        assertFalse(isRunning(pidAfter("orphan=", outcome.stdout())));
    }

    @Test
    void detachedBackgroundProcessIsKilledWhenTheRunEnds() {
        ProcessOutcome outcome = run(fake("background-detached.sh"));

        assertEquals(Termination.EXITED, outcome.termination());
        assertFalse(isRunning(pidAfter("background=", outcome.stdout())));
    }

    @ParameterizedTest
    @EnumSource(OutputStreamKind.class)
    void floodBeyondTheCapStopsTheRunAndKeepsWhatFits(OutputStreamKind stream) {
        ProcessOutcome outcome = run(fake("flood.sh", stream == OutputStreamKind.STDERR ? "stderr" : "stdout", "y")
                .maxOutputBytes(64 * 1024));

        assertEquals(Termination.OUTPUT_TOO_LARGE, outcome.termination());
        assertNull(outcome.exitCode());
        assertEquals(126, outcome.reportedExitCode());
        String flooded = stream == OutputStreamKind.STDERR ? outcome.stderr() : outcome.stdout();
        assertEquals("y\n".repeat(32 * 1024), flooded);
        assertTrue(stream == OutputStreamKind.STDERR ? outcome.stderrTruncated() : outcome.stdoutTruncated());
        assertFalse(stream == OutputStreamKind.STDERR ? outcome.stdoutTruncated() : outcome.stderrTruncated());
    }

    @Test
    void capCuttingACharacterInHalfDropsThePartialCharacter() {
        // "é\n" is 3 bytes; 100,000 bytes end with the first byte of an "é".
        ProcessOutcome outcome = run(fake("flood.sh", "stdout", "é").maxOutputBytes(100_000));

        assertEquals(Termination.OUTPUT_TOO_LARGE, outcome.termination());
        assertEquals("é\n".repeat(33_333), outcome.stdout());
    }

    @Test
    void binaryOutputIsDecodedWithReplacementCharacters() {
        ProcessOutcome outcome = run(fake("binary.sh"));

        assertEquals(Termination.EXITED, outcome.termination());
        assertTrue(outcome.stdout().startsWith("abc\uFFFD"), outcome.stdout());
        assertTrue(outcome.stdout().endsWith("def\n"), outcome.stdout());
    }

    @Test
    void cancelAfterExitChangesNothing() {
        RunningProcess running = start(fake("print-args.sh", "done"));
        ProcessOutcome outcome = await(running);
        running.cancel();

        assertEquals(Termination.EXITED, outcome.termination());
        assertEquals(outcome, await(running));
    }

    @Test
    void interruptingRunCancelsTheProcess() throws Exception {
        CompletableFuture<ProcessOutcome> result = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            result.complete(runner.run(fake("silent.sh").build()));
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        caller.start();
        long deadline = System.nanoTime() + HANG_BOUND.toNanos();
        // silent.sh ends up as `sleep 1000` once it has started.
        while (ProcessHandle.current().descendants()
                .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 1000"))) {
            assertTrue(System.nanoTime() - deadline < 0, "the child never started");
            Thread.sleep(20);
        }

        caller.interrupt();

        ProcessOutcome outcome = result.get(HANG_BOUND.toSeconds(), TimeUnit.SECONDS);
        runIds.add(outcome.runId());
        assertEquals(Termination.CANCELLED, outcome.termination());
        assertTrue(interruptedAfter.get(HANG_BOUND.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void closeCancelsRunsStillGoing() {
        RunningProcess running = start(fake("silent.sh"));

        assertTimeoutPreemptively(HANG_BOUND, runner::close);

        assertTrue(running.isDone());
        assertEquals(Termination.CANCELLED, await(running).termination());
    }

    @Test
    void bareNameIsLookedUpOnTheChildsPath() throws IOException {
        Path bin = Files.createDirectory(workDir.resolve("bin"));
        Files.copy(fakes.resolve("print-args.sh"), bin.resolve("fakecli"));
        Files.setPosixFilePermissions(bin.resolve("fakecli"), PosixFilePermissions.fromString("rwx------"));

        ProcessOutcome outcome = run(ProcessSpec.builder("fakecli", "hi").workingDir(workDir)
                .env("PATH", bin + ":/usr/bin:/bin"));

        assertEquals("hi\n", outcome.stdout());
    }

    @Test
    void relativePathIsResolvedAgainstTheWorkingDirectory() throws IOException {
        Files.copy(fakes.resolve("print-args.sh"), workDir.resolve("local-cli"));
        Files.setPosixFilePermissions(workDir.resolve("local-cli"), PosixFilePermissions.fromString("rwx------"));

        ProcessOutcome outcome = run(ProcessSpec.builder("./local-cli", "hi").workingDir(workDir).removeEnv("PATH"));

        assertEquals("hi\n", outcome.stdout());
    }

    @Test
    void executableOnlyOnTheJvmsPathIsNotFound() {
        ExecutableNotFoundException e = assertThrows(ExecutableNotFoundException.class,
                () -> start(ProcessSpec.builder("bash", "-c", "true").workingDir(workDir)
                        .env("PATH", workDir.toString())));

        assertEquals("bash", e.command());
        assertEquals(ErrorCode.CLI_NOT_FOUND, e.code());
    }

    @Test
    void missingExecutablesAreReportedBeforeSpawning() throws IOException {
        Path notExecutable = Files.writeString(workDir.resolve("plain.txt"), "echo hi\n");

        assertThrows(ExecutableNotFoundException.class,
                () -> start(ProcessSpec.builder("llm-gateway-no-such-cli").workingDir(workDir)));
        assertThrows(ExecutableNotFoundException.class,
                () -> start(ProcessSpec.builder("bash").workingDir(workDir).removeEnv("PATH")));
        assertThrows(ExecutableNotFoundException.class,
                () -> start(ProcessSpec.builder(workDir.resolve("missing").toString()).workingDir(workDir)));
        ExecutableNotFoundException e = assertThrows(ExecutableNotFoundException.class,
                () -> start(ProcessSpec.builder(notExecutable.toString()).workingDir(workDir)));
        assertEquals(notExecutable.toString(), e.command());
    }

    @Test
    void nulCharacterIsRejected() {
        assertInvalid(fake("print-args.sh", "a\0b"));
        assertInvalid(fake("cat-stdin.sh").stdin("prompt\0"));
        assertInvalid(fake("print-args.sh").env("X", "a\0b"));
    }

    @Test
    void oversizeInputIsRejected() {
        ProcessRunner small = new ProcessRunner(new InputLimits(10, 16, 40));

        assertInvalid(small, ProcessSpec.builder("/bin/cat").stdin("x".repeat(11)), "The prompt is 11 characters");
        assertInvalid(small, ProcessSpec.builder("/bin/echo", "x".repeat(17)), "Argument 1 of the command is 17 bytes");
        assertInvalid(small, ProcessSpec.builder("/bin/echo", "1234567", "1234567", "1234567", "1234567"),
                "arguments total 42 bytes");
    }

    @Test
    void missingWorkingDirectoryIsRejected() {
        assertInvalid(fake("print-args.sh").workingDir(workDir.resolve("nope")));
    }

    private ProcessSpec.Builder fake(String script, String... args) {
        return ProcessSpec.builder(fakes.resolve(script).toString(), args).workingDir(workDir).killGrace(GRACE);
    }

    private RunningProcess start(ProcessSpec.Builder spec) {
        RunningProcess running = runner.start(spec.build());
        runIds.add(running.runId());
        return running;
    }

    private ProcessOutcome run(ProcessSpec.Builder spec) {
        return await(start(spec));
    }

    private static ProcessOutcome await(RunningProcess running) {
        return assertTimeoutPreemptively(HANG_BOUND, (ThrowingSupplier<ProcessOutcome>) running::await);
    }

    private void assertInvalid(ProcessSpec.Builder spec) {
        GatewayException e = assertThrows(GatewayException.class, () -> start(spec));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    private void assertInvalid(ProcessRunner limited, ProcessSpec.Builder spec, String expectedMessage) {
        GatewayException e = assertThrows(GatewayException.class, () -> limited.start(spec.workingDir(workDir).build()));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
    }

    private static long pidAfter(String label, String stdout) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "(\\d+)").matcher(stdout);
        assertTrue(m.find(), stdout);
        return Long.parseLong(m.group(1));
    }

    /** Alive and not a zombie (a killed orphan may wait briefly for init to reap it). */
    private static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    /** Independent of ProcessTree: every running process whose environment holds the run's marker. */
    private static List<Long> markedProcesses(String runId) throws IOException {
        String marker = "\0" + ProcessTree.markerVariable(runId) + "=";
        List<Long> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path dir : entries.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(dir.getFileName().toString());
                try {
                    String environ = new String(Files.readAllBytes(dir.resolve("environ")), StandardCharsets.ISO_8859_1);
                    if (("\0" + environ).contains(marker) && isRunning(pid)) {
                        found.add(pid);
                    }
                } catch (IOException e) {
                    // exited meanwhile, or not ours to read
                }
            }
        }
        return found;
    }
}
