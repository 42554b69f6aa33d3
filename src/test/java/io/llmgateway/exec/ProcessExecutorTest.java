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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs small bash scripts (src/test/resources/.../fake) that misbehave the way real CLIs can, through the one
 * process runner, with output captured or in files. After every test no process carrying a run's marker may be
 * left. Limits here are short; the only timing assertion is the 30 s bound that turns a hang into a failure.
 */
@EnabledOnOs(OS.LINUX)
class ProcessExecutorTest {
    private static final Duration HANG_BOUND = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofMillis(300);
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static final RunLimits LIMITS =
            new RunLimits(Duration.ofSeconds(60), Duration.ofSeconds(60), 1024 * 1024, GRACE);
    private static Path fakes;

    @TempDir
    Path workDir;

    private final List<String> runIds = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> detached = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void makeFakesExecutable() throws IOException, URISyntaxException {
        fakes = Path.of(ProcessExecutorTest.class
                        .getResource("fake/print-args.sh")
                        .toURI())
                .getParent();
        try (Stream<Path> scripts = Files.list(fakes)) {
            for (Path script : scripts.toList()) {
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @AfterEach
    void noProcessOfAnyRunSurvives() throws IOException {
        detached.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        for (String runId : runIds) {
            assertEquals(List.of(), markedProcesses(runId), "processes of run " + runId + " survived");
        }
    }

    @Test
    void argumentsArriveVerbatimWithoutAShell() {
        List<String> args = List.of("two words", "$HOME", "; rm -rf /", "*", "'quoted'", "\"dq\"", "", "ünï");
        ProcessOutcome outcome = run(fake("print-args.sh", args.toArray(String[]::new)));

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
        ProcessOutcome outcome = run(fake("cat-stdin.sh").stdin(Stdin.text(prompt)));

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
    void stdinFromAFileIsReadThenEndOfInputAndTheFileMayGoOnceTheChildStarted() throws IOException {
        Path prompt = Files.writeString(workDir.resolve("prompt.txt"), "from a file\n");
        Path out = workDir.resolve("out.log");
        RunningProcess running = start(fake("cat-stdin.sh")
                .stdin(Stdin.file(prompt))
                .output(Output.appendTo(out, workDir.resolve("err.log"))));
        Files.delete(prompt);

        ProcessOutcome outcome = await(running);

        assertEquals(Termination.EXITED, outcome.termination());
        assertEquals("", outcome.stdout(), "the output is in the file");
        assertEquals("from a file\n<eof>\n", Files.readString(out));
    }

    @Test
    void environmentAndWorkingDirectoryAreTheGivenOnesPlusTheRunMarker() throws IOException {
        ProcessOutcome outcome =
                run(fake("env-and-cwd.sh").environment(Map.of("PATH", "/usr/bin:/bin", "FOO", "bar baz")));

        String[] lines = outcome.stdout().split("\n");
        assertEquals("FOO=bar baz", lines[0]);
        assertEquals(workDir.toRealPath().toString(), lines[1]);
        assertTrue(List.of(lines).contains(ProcessTree.markerVariable(outcome.runId()) + "=1"), outcome.stdout());
        assertFalse(outcome.stdout().contains("HOME="), "the JVM's environment leaked into the child");
    }

    @Test
    void nothingStartsWithoutAnEnvironmentGivenInFull() {
        ProcessExecutor noEnvironment = ProcessExecutor.command(
                        List.of(fakes.resolve("print-args.sh").toString()))
                .directory(workDir)
                .limits(LIMITS);

        IllegalStateException e = assertThrows(IllegalStateException.class, noEnvironment::start);
        assertTrue(e.getMessage().contains("environment"), e.getMessage());
    }

    @Test
    void wallTimeoutKillsAChildThatKeepsWriting() {
        ProcessOutcome outcome = run(fake("tick.sh").limits(limits(Duration.ofSeconds(1), Duration.ofSeconds(60))));

        assertEquals(Termination.TIMEOUT, outcome.termination());
        assertNull(outcome.exitCode());
        assertEquals(124, outcome.reportedExitCode());
        assertTrue(outcome.stdout().startsWith("tick\n"), outcome.stdout());
    }

    @Test
    void outputResetsTheIdleTimer() {
        // tick.sh writes every 0.1 s, far inside the idle timeout: only the wall timeout can end it.
        ProcessOutcome outcome = run(fake("tick.sh").limits(limits(Duration.ofSeconds(3), Duration.ofMillis(1500))));

        assertEquals(Termination.TIMEOUT, outcome.termination());
    }

    @Test
    void outputGrowingAFileResetsTheIdleTimer() {
        ProcessOutcome outcome =
                run(fake("tick.sh").output(files()).limits(limits(Duration.ofSeconds(3), Duration.ofMillis(1500))));

        assertEquals(Termination.TIMEOUT, outcome.termination());
    }

    @Test
    void idleTimeoutKillsASilentChildAndKeepsItsOutput() {
        ProcessOutcome outcome = run(fake("silent.sh").limits(limits(Duration.ofSeconds(60), Duration.ofMillis(500))));

        assertEquals(Termination.IDLE_TIMEOUT, outcome.termination());
        assertNull(outcome.exitCode());
        assertEquals(125, outcome.reportedExitCode());
        assertEquals("hello\n", outcome.stdout());
    }

    @Test
    void idleTimeoutKillsASilentChildWritingToFilesAndKeepsTheFiles() throws IOException {
        ProcessOutcome outcome =
                run(fake("silent.sh").output(files()).limits(limits(Duration.ofSeconds(60), Duration.ofMillis(500))));

        assertEquals(Termination.IDLE_TIMEOUT, outcome.termination());
        assertEquals("hello\n", Files.readString(workDir.resolve("out.log")));
    }

    @Test
    void childIgnoringSigtermIsKilledAfterTheGrace() {
        // Idle timing starts after "ready", so the trap is in place before the gateway stops it.
        ProcessOutcome outcome =
                run(fake("ignore-term.sh").limits(limits(Duration.ofSeconds(60), Duration.ofMillis(500))));

        assertEquals(Termination.IDLE_TIMEOUT, outcome.termination());
        assertEquals("ready\n", outcome.stdout());
    }

    @Test
    void cancelKillsTheChildAndTheGrandchildItForked() {
        RunningProcess running = start(fake("fork-child.sh"));
        List<Long> grandchildren = Awaitility.await("parent and grandchild both run")
                .atMost(HANG_BOUND)
                .until(
                        () -> markedProcesses(running.runId()).stream()
                                .filter(pid -> pid != running.pid())
                                .toList(),
                        pids -> !pids.isEmpty());

        running.cancel();
        ProcessOutcome outcome = await(running);

        assertEquals(Termination.CANCELLED, outcome.termination());
        assertNull(outcome.exitCode());
        assertNull(outcome.reportedExitCode());
        assertEquals(running.pid(), outcome.pid());
        assertFalse(isRunning(grandchildren.get(0)));
    }

    @Test
    void theRunIsStoppedWithTheStrategyItWasGiven() {
        List<String> stopped = Collections.synchronizedList(new ArrayList<>());
        StopStrategy recording = (run, grace) -> {
            stopped.add(run.runId());
            StopStrategy.WHOLE_TREE.stop(run, grace);
        };
        ProcessOutcome outcome = run(
                fake("silent.sh").stopWith(recording).limits(limits(Duration.ofSeconds(60), Duration.ofMillis(500))));

        assertEquals(Termination.IDLE_TIMEOUT, outcome.termination());
        assertTrue(stopped.contains(outcome.runId()), stopped.toString());
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

    @Test
    void orphanOfARunWritingToFilesIsKilledWhenTheRunEnds() throws IOException {
        ProcessOutcome outcome = run(fake("orphan.sh").output(files()));

        assertEquals(Termination.EXITED, outcome.termination());
        assertFalse(isRunning(pidAfter("orphan=", Files.readString(workDir.resolve("out.log")))));
    }

    @ParameterizedTest
    @EnumSource(OutputStreamKind.class)
    void floodBeyondTheCapStopsTheRunAndKeepsWhatFits(OutputStreamKind stream) {
        ProcessOutcome outcome = run(fake("flood.sh", stream == OutputStreamKind.STDERR ? "stderr" : "stdout", "y")
                .limits(cap(64 * 1024)));

        assertEquals(Termination.OUTPUT_TOO_LARGE, outcome.termination());
        assertNull(outcome.exitCode());
        assertEquals(126, outcome.reportedExitCode());
        String flooded = stream == OutputStreamKind.STDERR ? outcome.stderr() : outcome.stdout();
        assertEquals("y\n".repeat(32 * 1024), flooded);
        assertTrue(stream == OutputStreamKind.STDERR ? outcome.stderrTruncated() : outcome.stdoutTruncated());
        assertFalse(stream == OutputStreamKind.STDERR ? outcome.stdoutTruncated() : outcome.stderrTruncated());
    }

    @Test
    void floodIntoAFileBeyondTheCapStopsTheRunAndCutsTheFileBackToIt() throws IOException {
        ProcessOutcome outcome =
                run(fake("flood.sh", "stdout", "y").output(files()).limits(cap(64 * 1024)));

        assertEquals(Termination.OUTPUT_TOO_LARGE, outcome.termination());
        assertEquals(126, outcome.reportedExitCode());
        assertTrue(outcome.stdoutTruncated());
        assertFalse(outcome.stderrTruncated());
        assertEquals("y\n".repeat(32 * 1024), Files.readString(workDir.resolve("out.log")));
    }

    @Test
    void capCuttingACharacterInHalfDropsThePartialCharacter() {
        // "é\n" is 3 bytes; 100,000 bytes end with the first byte of an "é".
        ProcessOutcome outcome = run(fake("flood.sh", "stdout", "é").limits(cap(100_000)));

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
    void interruptingTheWaitCancelsTheProcess() throws Exception {
        CompletableFuture<ProcessOutcome> result = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        ProcessExecutor silent = fake("silent.sh");
        Thread caller = new Thread(() -> {
            try {
                result.complete(silent.execute());
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        caller.start();
        // silent.sh ends up as `sleep 1000` once it has started.
        Awaitility.await("the child started")
                .atMost(HANG_BOUND)
                .until(() -> ProcessHandle.current()
                        .descendants()
                        .anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 1000")));

        caller.interrupt();

        ProcessOutcome outcome = result.get(HANG_BOUND.toSeconds(), TimeUnit.SECONDS);
        runIds.add(outcome.runId());
        assertEquals(Termination.CANCELLED, outcome.termination());
        assertTrue(interruptedAfter.get(HANG_BOUND.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void closingTheGroupCancelsItsRunsStillGoing() {
        RunGroup group = new RunGroup();
        RunningProcess running = start(fake("silent.sh").partOf(group));

        assertTimeoutPreemptively(HANG_BOUND, group::close);

        assertTrue(running.isDone());
        assertEquals(Termination.CANCELLED, await(running).termination());
    }

    @Test
    void aReleasedRunIsLeftRunningAndAnotherWatcherAdoptsAndStopsItAtItsLimit() {
        Output.ToFiles output = Output.appendTo(workDir.resolve("out.log"), workDir.resolve("err.log"));
        RunningProcess first = start(fake("tick.sh").output(output));
        first.release();
        ProcessOutcome released = await(first);
        assertTrue(first.released());
        assertEquals(Termination.CANCELLED, released.termination());
        assertTrue(isRunning(first.pid()), "releasing the watch leaves the process alone");

        RunningProcess adopted = RunningProcess.adopt(
                ProcessHandle.of(first.pid()).orElseThrow(),
                first.ref(),
                first.runId(),
                output,
                limits(Duration.ofSeconds(2), Duration.ofSeconds(60)));
        ProcessOutcome outcome = await(adopted);

        assertEquals(Termination.TIMEOUT, outcome.termination());
        assertFalse(isRunning(first.pid()));
    }

    @Test
    void anAdoptedRunThatEndsByItselfHasNoKnownExitStatus() throws IOException {
        Output.ToFiles output = Output.appendTo(workDir.resolve("out.log"), workDir.resolve("err.log"));
        Path go = workDir.resolve("go");
        RunningProcess first = start(fake("exit-when.sh", go.toString()).output(output));
        first.release();
        await(first);

        RunningProcess adopted = RunningProcess.adopt(
                ProcessHandle.of(first.pid()).orElseThrow(), first.ref(), first.runId(), output, LIMITS);
        Files.createFile(go);
        ProcessOutcome outcome = await(adopted);

        assertEquals(Termination.EXITED, outcome.termination());
        assertTrue(outcome.exitStatusUnknown(), "only its parent learned its status: " + outcome);
    }

    @Test
    void aDetachedProcessRunsInASessionOfItsOwnWithItsOutputInAFile() throws Exception {
        Path log = workDir.resolve("detached.log");
        ProcessRef ref = ProcessExecutor.command(
                        List.of(fakes.resolve("silent.sh").toString()))
                .environment(ENV)
                .directory(workDir)
                .output(Output.appendBothTo(log))
                .ownSession()
                .startDetached();
        detached.add(ref.pid());

        assertTrue(ref.isAlive());
        Awaitility.await("it wrote its greeting")
                .atMost(HANG_BOUND)
                .until(() -> Files.readString(log).equals("hello\n"));
        if (!OwnSession.prefix().isEmpty()) {
            String stat = Files.readString(Path.of("/proc", Long.toString(ref.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertEquals(Long.toString(ref.pid()), fields[3], "it leads a session of its own");
        }
    }

    @Test
    void bareNameIsLookedUpOnTheChildsPath() throws IOException {
        Path bin = Files.createDirectory(workDir.resolve("bin"));
        Files.copy(fakes.resolve("print-args.sh"), bin.resolve("fakecli"));
        Files.setPosixFilePermissions(bin.resolve("fakecli"), PosixFilePermissions.fromString("rwx------"));

        ProcessOutcome outcome = run(executor("fakecli", "hi").environment(Map.of("PATH", bin + ":/usr/bin:/bin")));

        assertEquals("hi\n", outcome.stdout());
    }

    @Test
    void relativePathIsResolvedAgainstTheWorkingDirectory() throws IOException {
        Files.copy(fakes.resolve("print-args.sh"), workDir.resolve("local-cli"));
        Files.setPosixFilePermissions(workDir.resolve("local-cli"), PosixFilePermissions.fromString("rwx------"));

        // No PATH at all: the script's "#!/usr/bin/env bash" still finds bash (env searches a default path).
        ProcessOutcome outcome = run(executor("./local-cli", "hi").environment(Map.of()));

        assertEquals("hi\n", outcome.stdout());
    }

    @Test
    void executableOnlyOnTheJvmsPathIsNotFound() {
        ExecutableNotFoundException e = assertThrows(
                ExecutableNotFoundException.class,
                () -> start(executor("bash", "-c", "true").environment(Map.of("PATH", workDir.toString()))));

        assertEquals("bash", e.command());
        assertEquals(ErrorCode.CLI_NOT_FOUND, e.code());
    }

    @Test
    void missingExecutablesAreReportedBeforeSpawning() throws IOException {
        Path notExecutable = Files.writeString(workDir.resolve("plain.txt"), "echo hi\n");

        assertThrows(ExecutableNotFoundException.class, () -> start(executor("llm-gateway-no-such-cli")));
        assertThrows(
                ExecutableNotFoundException.class, () -> start(executor("bash").environment(Map.of())));
        assertThrows(
                ExecutableNotFoundException.class,
                () -> start(executor(workDir.resolve("missing").toString())));
        ExecutableNotFoundException e =
                assertThrows(ExecutableNotFoundException.class, () -> start(executor(notExecutable.toString())));
        assertEquals(notExecutable.toString(), e.command());
    }

    @Test
    void nulCharacterIsRejected() {
        assertInvalid(fake("print-args.sh", "a\0b"));
        assertInvalid(fake("cat-stdin.sh").stdin(Stdin.text("prompt\0")));
        assertInvalid(fake("print-args.sh").environment(Map.of("PATH", "/usr/bin:/bin", "X", "a\0b")));
    }

    @Test
    void oversizeInputIsRejected() {
        InputLimits small = new InputLimits(10, 16, 40);

        assertInvalid(
                executor("/bin/cat").stdin(Stdin.text("x".repeat(11))).inputLimits(small),
                "The prompt is 11 characters");
        assertInvalid(
                executor("/bin/echo", "x".repeat(17)).inputLimits(small), "Argument 1 of the command is 17 bytes");
        assertInvalid(
                executor("/bin/echo", "1234567", "1234567", "1234567", "1234567")
                        .inputLimits(small),
                "arguments total 42 bytes");
    }

    @Test
    void missingWorkingDirectoryIsRejected() {
        assertInvalid(fake("print-args.sh").directory(workDir.resolve("nope")));
    }

    @Test
    void aSpecIsCheckedAndItsExecutableResolvedWithoutSpawning() {
        ProcessSpec spec = ProcessSpec.builder("bash", "-c", "true")
                .workingDir(workDir)
                .environment(ENV)
                .build();

        ProcessSpec checked = spec.checked(InputLimits.DEFAULTS);

        assertTrue(
                Path.of(checked.command().get(0)).isAbsolute(),
                checked.command().toString());
        assertEquals(spec.command().subList(1, 3), checked.command().subList(1, 3));
        assertThrows(
                ExecutableNotFoundException.class,
                () -> ProcessSpec.builder("bash").workingDir(workDir).build().checked(InputLimits.DEFAULTS),
                "a spec's environment starts empty: no PATH, no bash");
    }

    private ProcessExecutor executor(String executable, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        return ProcessExecutor.command(command)
                .environment(ENV)
                .directory(workDir)
                .limits(LIMITS);
    }

    private ProcessExecutor fake(String script, String... args) {
        return executor(fakes.resolve(script).toString(), args);
    }

    private Output files() {
        return Output.appendTo(workDir.resolve("out.log"), workDir.resolve("err.log"));
    }

    private static RunLimits limits(Duration wall, Duration idle) {
        return new RunLimits(wall, idle, LIMITS.maxOutputBytes(), GRACE);
    }

    private static RunLimits cap(long maxOutputBytes) {
        return new RunLimits(LIMITS.wallTimeout(), LIMITS.idleTimeout(), maxOutputBytes, GRACE);
    }

    private RunningProcess start(ProcessExecutor executor) {
        try {
            RunningProcess running = executor.start();
            runIds.add(running.runId());
            return running;
        } catch (IOException e) {
            throw new AssertionError("could not start", e);
        }
    }

    private ProcessOutcome run(ProcessExecutor executor) {
        return await(start(executor));
    }

    private static ProcessOutcome await(RunningProcess running) {
        return assertTimeoutPreemptively(HANG_BOUND, running::await);
    }

    private void assertInvalid(ProcessExecutor executor) {
        GatewayException e = assertThrows(GatewayException.class, () -> start(executor));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    private void assertInvalid(ProcessExecutor executor, String expectedMessage) {
        GatewayException e = assertThrows(GatewayException.class, () -> start(executor));
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
            for (Path dir : entries.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .toList()) {
                long pid = Long.parseLong(dir.getFileName().toString());
                try {
                    String environ =
                            new String(Files.readAllBytes(dir.resolve("environ")), StandardCharsets.ISO_8859_1);
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
