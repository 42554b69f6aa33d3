package io.llmgateway.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.JobConfig;
import io.llmgateway.core.CancelSignal;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Json;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessRef;
import io.llmgateway.files.FileMutexes;
import io.llmgateway.job.supervisor.JobFiles;
import io.llmgateway.redact.SecretRedactor;
import io.llmgateway.support.LockHolderMain;
import io.llmgateway.support.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job service against fake-agent.sh: jobs run under real supervisor processes started from the
 * build's classes. Every test cancels what it left running and checks no process survives.
 */
class JobServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    private FakeRuns fake;
    private final FileMutexes locks = new FileMutexes();
    private final List<JobService> services = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fake = new FakeRuns(work);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (!services.isEmpty()) {
            JobService any = services.get(0);
            for (JobRecord job : any.list(Principal.LOCAL, Optional.empty(), Optional.empty(), 1000, 0)
                    .jobs()) {
                if (!job.status().isTerminal()) {
                    any.cancel(Principal.LOCAL, job.id());
                }
            }
        }
        services.forEach(JobService::close);
        assertNoProcessLeft();
    }

    /** Supervisors write exit.json just before they exit: give the last ones a moment. */
    static void assertNoProcessLeft() {
        Awaitility.await("no process may outlive a test")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(JobServiceTest::liveDescendants, List::isEmpty);
    }

    private static List<String> liveDescendants() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> new ProcessRef(p.pid(), 0, null).isAlive())
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
    }

    private JobService service(JobConfig config, Clock clock) {
        JobService service =
                new JobService(dataDir, config, fake, locks, Json.newMapper(), clock, new SecretRedactor(Map.of()));
        services.add(service);
        return service;
    }

    private JobService service() {
        return service(config(4, 2, 32, Duration.ofSeconds(45)), Clock.systemUTC());
    }

    private static JobConfig config(int maxRunning, int perProvider, int maxQueued, Duration deadline) {
        return new JobConfig(
                deadline,
                Duration.ofHours(1),
                maxRunning,
                perProvider,
                maxQueued,
                Duration.ofDays(7),
                Duration.ofMillis(100),
                Duration.ofMillis(100),
                Duration.ofMillis(50));
    }

    private static JobRecord await(JobService service, String id, Predicate<JobRecord> condition) {
        return Awaitility.await("job " + id)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> service.status(Principal.LOCAL, id).job(), condition::test);
    }

    private static JobRecord awaitStatus(JobService service, String id, JobStatus status) {
        return await(service, id, j -> j.status() == status);
    }

    private static void awaitText(Path file, String text) {
        Awaitility.await(file + " containing '" + text + "'")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Files.readString(file).contains(text));
    }

    private static void awaitGone(long pid) {
        Awaitility.await("process " + pid + " gone")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !new ProcessRef(pid, 0, null).isAlive());
    }

    /** A deferred request whose CLI started a grandchild, with both pids. */
    private record DeferredTree(JobRecord job, long cli, long grandchild) {
        void awaitGone() {
            JobServiceTest.awaitGone(cli);
            JobServiceTest.awaitGone(grandchild);
        }
    }

    private DeferredTree deferTree(JobService service, Map<String, Object> arguments) throws Exception {
        JobRecord job = assertInstanceOf(
                        JobService.Deferred.class,
                        service.request(
                                ProviderId.CLAUDE, fake.request(arguments), ProgressSink.NONE, CancelSignal.NONE))
                .job();
        return new DeferredTree(job, cliPid(files(job.id())), grandchildPid(files(job.id())));
    }

    private JobFiles files(String id) {
        return new JobFiles(dataDir.resolve("jobs").resolve(id));
    }

    private static long grandchildPid(JobFiles files) throws Exception {
        awaitText(files.stderr(), "grandchild ");
        Matcher m = Pattern.compile("grandchild (\\d+)").matcher(Files.readString(files.stderr()));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private static long cliPid(JobFiles files) throws Exception {
        Awaitility.await("cli.pid")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(files.cliPid()));
        return Long.parseLong(Files.readString(files.cliPid()).split(" ")[0]);
    }

    @Test
    void submitReturnsAtOnceAndTheResultIsTheSyncResultOnceCompleted() throws Exception {
        JobService jobs = service();
        JobService.Submission submission = jobs.submit(
                ProviderId.CLAUDE,
                fake.request(Map.of("prompt", "lines=2 sleep=0.3", "correlationId", "corr-1")),
                false);
        JobRecord job = submission.job();
        assertTrue(job.id().matches("job-[0-9a-f-]{36}"), job.id());
        assertEquals(JobStatus.RUNNING, job.status());
        assertEquals("corr-1", job.correlationId());
        assertNotNull(job.sessionId());
        assertFalse(submission.deduplicated());

        JobRecord done = awaitStatus(jobs, job.id(), JobStatus.COMPLETED);
        assertEquals(0, done.exitCode());
        assertNotNull(done.finishedAt());
        JobService.JobResult result = jobs.result(Principal.LOCAL, job.id(), "stdout", 0, 100_000);
        assertEquals("done after 2 lines", result.job().result().response());
        assertEquals("native-1", result.job().result().nativeSessionId());
        assertEquals("native-1", fake.nativeIds.get(job.sessionId()));
        assertTrue(result.output().text().contains("part 1"));
        assertTrue(result.output().complete());
        assertEquals(result.output().totalBytes(), result.output().nextOffset());

        JobFiles files = files(job.id());
        assertFalse(Files.exists(files.launchDir()), "the prompt and environment must not stay on disk");
        assertTrue(Files.exists(files.exit()));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir())));
        for (Path file : List.of(files.record(), files.stdout(), files.stderr(), files.exit(), files.lock())) {
            assertEquals(
                    "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
        assertFalse(Files.readString(files.record()).contains("lines=2"), "job.json must not hold the prompt");
        JobService.JobView view = jobs.status(Principal.LOCAL, job.id());
        assertTrue(view.stdoutBytes() > 0);
        assertTrue(view.stderrBytes() > 0);
    }

    @Test
    void aResultLargerThanOnePageIsReadInPieces() throws Exception {
        JobService jobs = service();
        String id = jobs.submit(ProviderId.CODEX, fake.request(Map.of("prompt", "lines=1500 width=100")), false)
                .job()
                .id();
        awaitStatus(jobs, id, JobStatus.COMPLETED);
        StringBuilder all = new StringBuilder();
        long offset = 0;
        int pages = 0;
        while (true) {
            JobService.OutputPage page =
                    jobs.result(Principal.LOCAL, id, "stdout", offset, 30_000).output();
            assertTrue(page.text().length() <= 30_000);
            all.append(page.text());
            pages++;
            offset = page.nextOffset();
            if (page.complete()) {
                break;
            }
        }
        assertTrue(pages > 4, "pages: " + pages);
        assertEquals(Files.readString(files(id).stdout()), all.toString());
        GatewayException past =
                assertThrows(GatewayException.class, () -> jobs.result(Principal.LOCAL, id, "stdout", 1L << 40, 10));
        assertEquals(ErrorCode.INVALID_ARGUMENT, past.code());
    }

    @Test
    void cancelKillsTheSupervisorTheCliAndItsChildren() throws Exception {
        JobService jobs = service();
        String id = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "grandchild sleep=60")), false)
                .job()
                .id();
        JobFiles files = files(id);
        long grandchild = grandchildPid(files);
        long cli = cliPid(files);
        long supervisor = jobs.status(Principal.LOCAL, id).job().runner().pid();

        JobService.Cancellation cancellation = jobs.cancel(Principal.LOCAL, id);
        assertEquals(JobStatus.RUNNING, cancellation.previousStatus());
        assertEquals(JobStatus.CANCELED, cancellation.job().status());
        assertEquals(ErrorCode.CANCELLED.wireName(), cancellation.job().error().code());
        awaitGone(grandchild);
        awaitGone(cli);
        awaitGone(supervisor);
        assertEquals(
                JobStatus.CANCELED,
                jobs.cancel(Principal.LOCAL, id).job().status(),
                "cancelling again changes nothing");
    }

    @Test
    void aQueuedJobCancelledNeverStarts() {
        JobService jobs = service(config(1, 1, 4, Duration.ofSeconds(45)), Clock.systemUTC());
        jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=60")), false);
        JobRecord job = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=60 second")), false)
                .job();
        String queued = job.id();
        assertEquals(
                JobStatus.QUEUED, jobs.status(Principal.LOCAL, queued).job().status());
        assertEquals(1, jobs.status(Principal.LOCAL, queued).queuePosition());
        assertEquals(
                JobStatus.CANCELED, jobs.cancel(Principal.LOCAL, queued).job().status());
        assertFalse(Files.exists(files(queued).launchDir()));
        assertFalse(Files.exists(files(queued).cliPid()));
        assertTrue(fake.abandoned.contains(job.sessionId()), "the provider cleans up after a run that never happens");
    }

    @Test
    void aSyncRequestPastTheDeadlineIsDeferredAndFinishesAsAJob() throws Exception {
        JobService jobs = service(config(4, 2, 32, Duration.ofMillis(300)), Clock.systemUTC());
        JobService.SyncOutcome fast = jobs.request(
                ProviderId.GEMINI, fake.request(Map.of("prompt", "lines=1")), ProgressSink.NONE, CancelSignal.NONE);
        assertEquals(
                "done after 1 lines",
                assertInstanceOf(JobService.Completed.class, fast).result().response());
        assertEquals(
                0,
                jobs.list(Principal.LOCAL, Optional.empty(), Optional.empty(), 10, 0)
                        .total(),
                "a fast request leaves no job");

        JobService.SyncOutcome slow = jobs.request(
                ProviderId.GEMINI,
                fake.request(Map.of("prompt", "lines=3 sleep=1.5")),
                ProgressSink.NONE,
                CancelSignal.NONE);
        JobRecord job = assertInstanceOf(JobService.Deferred.class, slow).job();
        assertTrue(job.deferred());
        assertEquals(JobStatus.RUNNING, job.status());
        JobRecord done = awaitStatus(jobs, job.id(), JobStatus.COMPLETED);
        assertEquals("done after 3 lines", done.result().response());
        assertEquals("native-1", fake.nativeIds.get(job.sessionId()));
        String stdout = Files.readString(files(job.id()).stdout());
        assertTrue(stdout.contains("part 2") && stdout.contains("\"type\":\"result\""), stdout);
        assertTrue(Files.exists(files(job.id()).exit()));
    }

    @Test
    void aLongSyncRequestSendsProgressButNotBeforeTheDelay() {
        JobService jobs = service(
                new JobConfig(
                        Duration.ZERO,
                        Duration.ofHours(1),
                        4,
                        2,
                        32,
                        Duration.ofDays(7),
                        Duration.ofMillis(1500),
                        Duration.ofMillis(100),
                        Duration.ofMillis(50)),
                Clock.systemUTC());
        List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        jobs.request(
                ProviderId.CLAUDE,
                fake.request(Map.of("prompt", "lines=1")),
                (progress, message) -> messages.add(message),
                CancelSignal.NONE);
        assertTrue(messages.isEmpty(), "a fast call sends no progress: " + messages);
        jobs.request(
                ProviderId.CLAUDE,
                fake.request(Map.of("prompt", "lines=2 tool=Read sleep=2 SECRETPROMPT")),
                (progress, message) -> messages.add(message),
                CancelSignal.NONE);
        assertFalse(messages.isEmpty());
        String last = messages.get(messages.size() - 1);
        assertTrue(last.contains("last tool Read"), last);
        assertTrue(
                messages.stream().noneMatch(m -> m.contains("SECRETPROMPT") || m.contains("part")),
                messages.toString());
    }

    @Test
    void statusShowsAPrivacySafeProgressLine() throws Exception {
        JobService jobs = service();
        String id = jobs.submit(
                        ProviderId.CLAUDE, fake.request(Map.of("prompt", "lines=4 tool=Bash SECRETPROMPT")), false)
                .job()
                .id();
        awaitStatus(jobs, id, JobStatus.COMPLETED);
        String progress = jobs.status(Principal.LOCAL, id).progress();
        assertTrue(progress.startsWith("7 events, 1 tool call, last tool Bash"), progress);
        assertFalse(progress.contains("SECRETPROMPT") || progress.contains("part"), progress);
    }

    @Test
    void anIdenticalRequestReturnsTheSameJobUnlessForceRefresh() throws Exception {
        JobService jobs = service();
        Map<String, Object> request = Map.of("prompt", "sleep=0.5", "correlationId", "a");
        JobRecord first =
                jobs.submit(ProviderId.CLAUDE, fake.request(request), false).job();
        JobService.Submission again = jobs.submit(
                ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=0.5", "correlationId", "b")), false);
        assertTrue(again.deduplicated());
        assertEquals(first.id(), again.job().id());
        assertEquals(1, fake.prepared.get(), "the duplicate must not run");

        awaitStatus(jobs, first.id(), JobStatus.COMPLETED);
        assertEquals(
                first.id(),
                jobs.submit(ProviderId.CLAUDE, fake.request(request), false)
                        .job()
                        .id(),
                "completed jobs count too");
        assertNotEquals(
                first.id(),
                jobs.submit(ProviderId.CODEX, fake.request(request), false)
                        .job()
                        .id(),
                "another provider");
        assertNotEquals(
                first.id(),
                jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=0.6")), false)
                        .job()
                        .id());
        JobService.Submission forced =
                jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=0.5", "forceRefresh", true)), true);
        assertFalse(forced.deduplicated());
        assertNotEquals(first.id(), forced.job().id());

        String failing = jobs.submit(ProviderId.GROK, fake.request(Map.of("prompt", "exit=3")), false)
                .job()
                .id();
        assertEquals(
                JobStatus.FAILED, awaitStatus(jobs, failing, JobStatus.FAILED).status());
        assertNotEquals(
                failing,
                jobs.submit(ProviderId.GROK, fake.request(Map.of("prompt", "exit=3")), false)
                        .job()
                        .id(),
                "a failed job is run again");
    }

    @Test
    void runningJobsAreLimitedInTotalAndPerProviderAndAFullQueueRejects() throws Exception {
        JobService jobs = service(config(2, 1, 1, Duration.ofSeconds(45)), Clock.systemUTC());
        String a = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=60 a")), false)
                .job()
                .id();
        JobRecord b = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=60 b")), false)
                .job();
        assertEquals(JobStatus.QUEUED, b.status(), "one claude job at a time");
        String c = jobs.submit(ProviderId.CODEX, fake.request(Map.of("prompt", "sleep=60 c")), false)
                .job()
                .id();
        assertEquals(JobStatus.RUNNING, jobs.status(Principal.LOCAL, c).job().status(), "another provider has a slot");
        GatewayException full = assertThrows(
                GatewayException.class,
                () -> jobs.submit(ProviderId.GEMINI, fake.request(Map.of("prompt", "sleep=60 d")), false));
        assertEquals(ErrorCode.QUEUE_FULL, full.code());
        assertTrue(full.getMessage().contains("LLM_GATEWAY_MAX_QUEUED_JOBS"), full.getMessage());

        jobs.cancel(Principal.LOCAL, a);
        assertEquals(
                JobStatus.RUNNING,
                jobs.status(Principal.LOCAL, b.id()).job().status(),
                "the queued job takes the freed slot");
    }

    @Test
    void finishedJobsAreRemovedAfterTheRetentionPeriod() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        JobService jobs = service(config(4, 2, 32, Duration.ofSeconds(45)), clock);
        String id = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "lines=1")), false)
                .job()
                .id();
        String running = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=60")), false)
                .job()
                .id();
        awaitStatus(jobs, id, JobStatus.COMPLETED);
        clock.advance(Duration.ofDays(6));
        assertEquals(0, jobs.sweepRetention());
        clock.advance(Duration.ofDays(2));
        assertEquals(1, jobs.sweepRetention(), "only the finished job goes");
        assertFalse(Files.exists(files(id).dir()));
        assertEquals(
                ErrorCode.JOB_NOT_FOUND,
                assertThrows(GatewayException.class, () -> jobs.status(Principal.LOCAL, id))
                        .code());
        assertEquals(
                JobStatus.RUNNING, jobs.status(Principal.LOCAL, running).job().status());
    }

    @Test
    void aJobWhoseSupervisorWasKilledIsOrphanedWithTheOutputItProduced() throws Exception {
        JobService jobs = service();
        String id = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "lines=5 sleep=60")), false)
                .job()
                .id();
        JobFiles files = files(id);
        awaitText(files.stdout(), "part 4");
        long cli = cliPid(files);
        ProcessHandle.of(jobs.status(Principal.LOCAL, id).job().runner().pid())
                .orElseThrow()
                .destroyForcibly();
        JobRecord orphaned = awaitStatus(jobs, id, JobStatus.ORPHANED);
        assertEquals(ErrorCode.JOB_ORPHANED.wireName(), orphaned.error().code());
        assertTrue(jobs.result(Principal.LOCAL, id, "stdout", 0, 100_000)
                .output()
                .text()
                .contains("part 4"));
        awaitGone(cli);
    }

    @Test
    void timeoutsAndTheOutputCapFailTheJobAsTheSyncToolWould() throws Exception {
        JobService jobs = service();
        String slow = jobs.submit(
                        ProviderId.CLAUDE, fake.request(Map.of("prompt", "sleep=30", "timeoutMs", 500)), false)
                .job()
                .id();
        String flood = jobs.submit(
                        ProviderId.CODEX,
                        fake.request(Map.of("prompt", "lines=5000 width=100 sleep=30", "maxOutputBytes", 10_000)),
                        false)
                .job()
                .id();
        JobRecord timedOut = awaitStatus(jobs, slow, JobStatus.FAILED);
        assertEquals(ErrorCode.TIMEOUT.wireName(), timedOut.error().code());
        assertEquals(124, timedOut.exitCode());
        JobRecord flooded = awaitStatus(jobs, flood, JobStatus.FAILED);
        assertEquals(ErrorCode.OUTPUT_TOO_LARGE.wireName(), flooded.error().code());
        assertTrue(Files.size(files(flood).stdout()) <= 10_000);
    }

    @Test
    void anotherServiceOnTheSameDataDirectoryReportsAndCancelsAJob() throws Exception {
        JobService first = service();
        JobService second = service();
        String id = first.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "grandchild sleep=60")), false)
                .job()
                .id();
        long grandchild = grandchildPid(files(id));
        assertEquals(JobStatus.RUNNING, second.status(Principal.LOCAL, id).job().status());
        assertEquals(
                1,
                second.list(Principal.LOCAL, Optional.of(JobStatus.RUNNING), Optional.of(ProviderId.CLAUDE), 10, 0)
                        .total());
        assertEquals(
                JobStatus.CANCELED, second.cancel(Principal.LOCAL, id).job().status());
        assertEquals(JobStatus.CANCELED, first.status(Principal.LOCAL, id).job().status());
        awaitGone(grandchild);
    }

    @Test
    void theWatcherFinalizesJobsNobodyAsksAbout() throws Exception {
        JobService jobs = service();
        jobs.start();
        JobRecord job = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "lines=1")), false)
                .job();
        Awaitility.await("the session recorded")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> fake.nativeIds.containsKey(job.sessionId()));
        assertEquals(
                JobStatus.COMPLETED,
                jobs.list(Principal.LOCAL, Optional.empty(), Optional.empty(), 10, 0)
                        .jobs()
                        .get(0)
                        .status());
    }

    /** A caller's cancel, fired by the test. */
    private static final class TestCancel implements CancelSignal {
        private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean cancelled;

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void onCancel(Runnable action) {
            if (cancelled) {
                action.run();
            } else {
                listeners.add(action);
            }
        }

        void cancel() {
            cancelled = true;
            listeners.forEach(Runnable::run);
        }
    }

    @Test
    void aRequestCancelledBeforeItsCliStartsRunsNothing() {
        JobService jobs = service();
        TestCancel cancel = new TestCancel();
        cancel.cancel();
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> jobs.request(
                        ProviderId.CLAUDE, fake.request(Map.of("prompt", "lines=1")), ProgressSink.NONE, cancel));
        assertEquals(ErrorCode.CANCELLED, e.code());
        assertEquals(0, fake.prepared.get(), "nothing was prepared");
    }

    @Test
    void aCancelThatRacesTheDeferralEndsTheJobCancelled() throws Exception {
        JobService jobs = service(config(4, 2, 32, Duration.ofMillis(200)), Clock.systemUTC());
        TestCancel cancel = new TestCancel();
        JobRecord job = assertInstanceOf(
                        JobService.Deferred.class,
                        jobs.request(
                                ProviderId.CLAUDE,
                                fake.request(Map.of("prompt", "grandchild sleep=60")),
                                ProgressSink.NONE,
                                cancel))
                .job();
        long cli = cliPid(files(job.id()));
        long grandchild = grandchildPid(files(job.id()));
        cancel.cancel(); // arrived before the transport sent the deferred answer, which it then drops
        JobRecord ended = awaitStatus(jobs, job.id(), JobStatus.CANCELED);
        assertEquals(ErrorCode.CANCELLED.wireName(), ended.error().code());
        awaitGone(cli);
        awaitGone(grandchild);
    }

    @Test
    void aDeferredRequestOutlivesItsServiceAndTheNextOneFinishesIt() throws Exception {
        JobService first = service(config(4, 2, 32, Duration.ofMillis(200)), Clock.systemUTC());
        JobRecord job = assertInstanceOf(
                        JobService.Deferred.class,
                        first.request(
                                ProviderId.CLAUDE,
                                fake.request(Map.of("prompt", "lines=2 sleep=3")),
                                ProgressSink.NONE,
                                CancelSignal.NONE))
                .job();
        long cli = cliPid(files(job.id()));
        first.close();
        assertTrue(new ProcessRef(cli, 0, null).isAlive(), "closing the gateway leaves the CLI running");
        assertTrue(
                Json.newMapper()
                        .readTree(files(job.id()).record().toFile())
                        .path("runner")
                        .isNull(),
                "the record says the job awaits adoption");

        JobService second = service();
        JobRecord done = awaitStatus(second, job.id(), JobStatus.COMPLETED);
        assertEquals("done after 2 lines", done.result().response());
        assertNull(done.exitCode());
        assertNull(done.result().exitCode());
        assertEquals(List.of(JobService.EXIT_STATUS_UNKNOWN), done.result().warnings());
        assertEquals("native-1", fake.nativeIds.get(job.sessionId()));
        awaitGone(cli);
    }

    @Test
    void anAdoptedRequestIsStoppedAtItsTimeoutWithItsWholeTree() throws Exception {
        JobService first = service(config(4, 2, 32, Duration.ofMillis(200)), Clock.systemUTC());
        DeferredTree run = deferTree(first, Map.of("prompt", "grandchild sleep=60", "timeoutMs", 2000));
        JobRecord job = run.job();
        first.close();

        JobService second = service();
        JobRecord ended = await(second, job.id(), j -> j.status().isTerminal());
        assertEquals(JobStatus.FAILED, ended.status());
        assertEquals(ErrorCode.TIMEOUT.wireName(), ended.error().code());
        assertTrue(Files.readString(files(job.id()).exit()).contains("\"TIMEOUT\""));
        run.awaitGone();
    }

    @Test
    void aDeferredRequestWhoseCliEndsWithoutAReplyWhileNobodyWatchesIsOrphanedWithItsOutput() throws Exception {
        JobService first = service(config(4, 2, 32, Duration.ofMillis(200)), Clock.systemUTC());
        JobRecord job = assertInstanceOf(
                        JobService.Deferred.class,
                        first.request(
                                ProviderId.CLAUDE,
                                fake.request(Map.of("prompt", "lines=3 sleep=60")),
                                ProgressSink.NONE,
                                CancelSignal.NONE))
                .job();
        long cli = cliPid(files(job.id()));
        awaitText(files(job.id()).stdout(), "part 2");
        first.close();
        ProcessHandle.of(cli).ifPresent(ProcessHandle::destroyForcibly);
        awaitGone(cli);

        JobService second = service();
        JobRecord orphaned = awaitStatus(second, job.id(), JobStatus.ORPHANED);
        assertEquals(ErrorCode.JOB_ORPHANED.wireName(), orphaned.error().code());
        assertTrue(second.result(Principal.LOCAL, job.id(), "stdout", 0, 10_000)
                .output()
                .text()
                .contains("part 2"));
    }

    @Test
    void anotherServiceCancelsADeferredRequestWithItsWholeTree() throws Exception {
        JobService owner = service(config(4, 2, 32, Duration.ofMillis(200)), Clock.systemUTC());
        DeferredTree run = deferTree(owner, Map.of("prompt", "grandchild sleep=60"));
        JobRecord job = run.job();

        JobService other = service();
        assertEquals(
                JobStatus.CANCELED,
                other.cancel(Principal.LOCAL, job.id()).job().status());
        run.awaitGone();
        assertEquals(
                JobStatus.CANCELED,
                owner.status(Principal.LOCAL, job.id()).job().status());
    }

    @Test
    void aDeferredRequestAwaitingAdoptionIsCancelledByTheNextService() throws Exception {
        JobService first = service(config(4, 2, 32, Duration.ofMillis(200)), Clock.systemUTC());
        DeferredTree run = deferTree(first, Map.of("prompt", "grandchild sleep=60"));
        first.close();

        JobService second = service();
        JobService.Cancellation cancellation =
                second.cancel(Principal.LOCAL, run.job().id());
        assertEquals(JobStatus.RUNNING, cancellation.previousStatus());
        assertEquals(JobStatus.CANCELED, cancellation.job().status());
        run.awaitGone();
    }

    @Test
    void jobIdsAreChecked() {
        JobService jobs = service();
        assertEquals(
                ErrorCode.INVALID_ARGUMENT,
                assertThrows(GatewayException.class, () -> jobs.status(Principal.LOCAL, "../x"))
                        .code());
        assertEquals(
                ErrorCode.JOB_NOT_FOUND,
                assertThrows(
                                GatewayException.class,
                                () -> jobs.status(Principal.LOCAL, "job-00000000-0000-0000-0000-000000000000"))
                        .code());
        assertNull(jobs.list(Principal.LOCAL, Optional.empty(), Optional.empty(), 10, 0).jobs().stream()
                .findFirst()
                .orElse(null));
    }

    @Test
    void unreadableRecordsAreSkippedInLists() throws IOException {
        JobService jobs = service();
        Files.createDirectories(dataDir.resolve("jobs").resolve("job-00000000-0000-0000-0000-000000000001"));
        Files.writeString(
                dataDir.resolve("jobs")
                        .resolve("job-00000000-0000-0000-0000-000000000001")
                        .resolve("job.json"),
                "{");
        assertEquals(
                0,
                jobs.list(Principal.LOCAL, Optional.empty(), Optional.empty(), 10, 0)
                        .total());
    }

    @Test
    void aProcessStuckHoldingTheJobsLockIsNamedAndJobsResume() throws Exception {
        JobService jobs = new JobService(
                dataDir,
                config(4, 2, 32, Duration.ofSeconds(45)),
                fake,
                new FileMutexes(Duration.ofMillis(300)),
                Json.newMapper(),
                Clock.systemUTC(),
                new SecretRedactor(Map.of()));
        services.add(jobs);
        Files.createDirectories(dataDir.resolve("jobs"));
        Process holder = LockHolderMain.holding(dataDir.resolve("jobs").resolve("jobs.lock"));
        try {
            GatewayException busy = assertThrows(
                    GatewayException.class,
                    () -> jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "while stuck")), false));
            assertEquals(ErrorCode.STORE_UNAVAILABLE, busy.code());
            assertTrue(busy.getMessage().contains("process " + holder.pid()), busy.getMessage());
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        String id = jobs.submit(ProviderId.CLAUDE, fake.request(Map.of("prompt", "after")), false)
                .job()
                .id();
        awaitStatus(jobs, id, JobStatus.COMPLETED);
    }
}
