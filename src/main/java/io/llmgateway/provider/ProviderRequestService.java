package io.llmgateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ExecutableNotFoundException;
import io.llmgateway.exec.InputLimits;
import io.llmgateway.exec.ProcessOutcome;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.model.ModelCatalog;
import io.llmgateway.provider.api.CanonicalRequest;
import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.OptionType;
import io.llmgateway.provider.api.Placement;
import io.llmgateway.provider.api.PreparedRun;
import io.llmgateway.provider.api.ProviderOption;
import io.llmgateway.provider.api.ProviderOptions;
import io.llmgateway.provider.api.ProviderResult;
import io.llmgateway.provider.api.ProviderRuns;
import io.llmgateway.provider.api.RunContext;
import io.llmgateway.provider.api.Usage;
import io.llmgateway.provider.cli.Excerpts;
import io.llmgateway.provider.cli.Invocation;
import io.llmgateway.provider.cli.ParsedOutput;
import io.llmgateway.provider.cli.ProviderCli;
import io.llmgateway.provider.cli.ProviderRegistry;
import io.llmgateway.provider.cli.ScratchFiles;
import io.llmgateway.recorder.FlightRecorder;
import io.llmgateway.redact.SecretRedactor;
import io.llmgateway.session.SessionRecord;
import io.llmgateway.session.SessionService;
import io.llmgateway.workspace.Placements;
import io.llmgateway.workspace.Worktrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a prompt for a provider CLI and turns the CLI's output into the result, keeping the
 * conversation in a gateway session; the job layer runs the prepared command in between (in this process
 * or under a job supervisor). Which conversation a request continues (the contract's five rules):
 * <ol>
 * <li>{@code createNewSession} → a fresh conversation, recorded on a new session;</li>
 * <li>{@code sessionId} = gw-…, or the bare id of a session imported from the original gateway → that
 * session (of this provider): its native conversation if known, else a fresh one whose native id is then
 * recorded on it;</li>
 * <li>any other {@code sessionId} → that native conversation, recorded on the session mapping to it
 * (found or created);</li>
 * <li>{@code resumeLatest} → the CLI's own "continue latest", recorded like 3;</li>
 * <li>none → the provider's active session as in 2, else a fresh conversation on a new session that is
 * not made active.</li>
 * </ol>
 * Contradictory combinations (createNewSession or resumeLatest with a sessionId, or both) are rejected.
 * {@link #normalise} checks a request and settles all of that into a {@link CanonicalRequest}, which a policy
 * judges; {@link #prepare} builds its command as it is, resolving nothing again. Sessions are the requesting
 * grant's own (see {@link SessionService}). A grant other than {@code local} may continue only conversations
 * recorded on its own sessions: a native id must map to one of them, and resumeLatest (the CLI's latest
 * conversation, whoever had it) is refused. Knows nothing about MCP.
 */
public final class ProviderRequestService implements ProviderRuns {
    private static final Logger log = LoggerFactory.getLogger(ProviderRequestService.class);

    public static final int MAX_PROMPT_CHARS = 1_000_000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    static final int MAX_MODEL_CHARS = 200;
    static final int MAX_CORRELATION_ID_CHARS = 200;
    /** Session metadata: the directory the conversation ran in (Claude and Gemini resume only there). */
    static final String WORKING_DIR_KEY = "workingDir";

    private final ProviderRegistry registry;
    private final SessionService sessions;
    private final RequestSettings settings;
    private final FailureClassifier failures = new FailureClassifier();
    private final ModelCatalog models;
    private final SecretRedactor redactor;
    private final Placements placements;
    private final FlightRecorder recorder;

    /**
     * @param models     turns the gateway aliases list_models shows into the model names the CLIs get
     * @param redactor   removes secrets from everything a run's output contributes to a result or an error
     * @param placements settles the {@code workspace} and {@code worktree} arguments into the real directory
     * @param recorder   records every request prepared here: started, then completed, failed or abandoned
     */
    public ProviderRequestService(
            ProviderRegistry registry,
            SessionService sessions,
            RequestSettings settings,
            ModelCatalog models,
            SecretRedactor redactor,
            Placements placements,
            FlightRecorder recorder) {
        this.registry = registry;
        this.recorder = recorder;
        this.models = models;
        this.sessions = sessions;
        this.settings = settings;
        this.redactor = redactor;
        this.placements = placements;
    }

    /** Which session and conversation a request runs under. */
    private record Plan(SessionRecord session, Continuation continuation) {}

    /**
     * Checks a request and builds its canonical form: the model resolved through the catalog, the working
     * directory (a workspace's, a worktree's) and every directory option as real paths, the session resolved, the
     * defaults filled in. Nothing changes yet (a new worktree is only planned). Every check of the request's values
     * happens here, before a policy counts it.
     *
     * @throws GatewayException for a request that cannot run (invalid_argument, session_not_found, ...)
     */
    public CanonicalRequest normalise(ProviderId cli, ProviderRequest request) {
        ProviderCli provider = registry.get(cli);
        String prompt = checkPrompt(request.prompt());
        String model = checkModel(request.model());
        if (model != null) {
            model = models.resolve(cli, model).model();
        }
        String correlationId = checkCorrelationId(request.correlationId());
        Duration timeout = duration("timeoutMs", request.timeoutMs(), DEFAULT_TIMEOUT);
        Duration idleTimeout = duration("idleTimeoutMs", request.idleTimeoutMs(), DEFAULT_IDLE_TIMEOUT);
        ProviderOptions options =
                withRealDirectories(provider.options(), ProviderOptions.of(provider.options(), request.options()));
        Plan plan = plan(provider, request);
        Placements.Placed placed = placements.place(
                cli,
                request.placement(),
                plan.session(),
                request.workingDir(),
                ProviderRequestService::realWorkingDir,
                recordedDir(plan.session()),
                this::realDefaultWorkingDir);
        Path workingDir = chooseWorkingDir(provider, plan, placed.workingDir());
        Continuation continuation = plan.continuation();
        CanonicalRequest canonical = new CanonicalRequest(
                prompt,
                model,
                plan.session() == null ? null : plan.session().id(),
                continuation.isResume() ? continuation.nativeSessionId() : null,
                request.createNewSession(),
                request.resumeLatest(),
                workingDir,
                timeout,
                idleTimeout,
                correlationId,
                options,
                request.owner(),
                placed.placement());
        checkCommand(provider, canonical);
        return canonical;
    }

    /** The model a name stands for in {@code cli}'s catalog: an alias's target, a known model in the table's spelling. */
    public String modelIdentity(ProviderId cli, String name) {
        return models.identity(cli, name);
    }

    /**
     * Builds the command of a canonical request, exactly as it was normalised; nothing runs yet.
     *
     * @param reserveSession for a new conversation, create its session record now rather than when the run
     *                       ends, so the caller can name it before the result exists (jobs); a continued
     *                       conversation is recorded on the session mapping to it, found when the run ends
     */
    @Override
    public PreparedRun prepare(ProviderId cli, CanonicalRequest request, boolean reserveSession) {
        Principal owner = request.owner();
        ProviderCli provider = registry.get(cli);
        Continuation continuation = request.continuation();
        Placement placement = request.placement();
        Placement.Worktree worktree = placement == null ? null : placement.worktree();
        // A worktree names its session: the run is recorded on it, and a new one is created under that id.
        String sessionId = worktree != null ? worktree.sessionId() : request.sessionId();
        if (reserveSession && sessionId == null && !continuation.continuesConversation()) {
            sessionId = sessions.create(owner, cli, null, false).record().id();
        }
        String correlationId = request.correlationId() != null
                ? request.correlationId()
                : UUID.randomUUID().toString();
        ScratchFiles scratch = new ScratchFiles();
        try {
            Invocation invocation = provider.invocation(request, scratch);
            // A new worktree first: the CLI's working directory must exist before its command is checked.
            Map<String, String> placed = placements.prepare(placement);
            if (!placed.isEmpty()) {
                sessions.ensure(owner, cli, sessionId, placed);
            }
            ProcessSpec spec = checkedExecutable(
                    provider,
                    spec(provider, invocation, request.workingDir(), request.timeout(), request.idleTimeout()));
            log.info(
                    "{} request {}: {} in {}",
                    cli.wireName(),
                    correlationId,
                    continuation.kind(),
                    request.workingDir());
            RunContext context = new RunContext(
                    sessionId,
                    continuation,
                    request.workingDir(),
                    request.model(),
                    correlationId,
                    request.timeout(),
                    request.idleTimeout(),
                    scratch.files(),
                    owner,
                    workspaceMetadata(placement));
            recorder.started(cli, context, request.prompt());
            return new PreparedRun(spec, sessionId, correlationId, context);
        } catch (RuntimeException e) {
            scratch.close();
            throw e;
        }
    }

    /**
     * Turns a finished run into the result: parses the output, maps failures to their errors, records
     * the native session id on the gw-* session and deletes the run's scratch files.
     *
     * @throws GatewayException for a failed run
     */
    @Override
    public ProviderResult complete(ProviderId cli, RunContext context, ProcessOutcome outcome) {
        ProviderCli provider = registry.get(cli);
        try {
            CanonicalRequest completed = completedRequest(context);
            ProcessSpec spec = ProcessSpec.builder(cli.defaultCommand())
                    .workingDir(context.workingDir())
                    .environment(Map.of())
                    .wallTimeout(context.timeout())
                    .idleTimeout(context.idleTimeout())
                    .maxOutputBytes(settings.maxOutputBytes())
                    .killGrace(settings.killGrace())
                    .build();
            // Redacted before anything is quoted or cut from it; the parser reads the output as printed.
            ParsedOutput output = visible(provider, provider.parse(outcome.stdout(), outcome.stderr()));
            ProcessOutcome shown =
                    outcome.withOutput(redactor.redact(outcome.stdout()), redactor.redact(outcome.stderr()));
            try {
                failures.check(provider, completed, spec, shown, output, context.correlationId());
            } catch (GatewayException e) {
                log.info(
                        "{} request {} failed after {} ms: {}",
                        cli.wireName(),
                        context.correlationId(),
                        outcome.duration().toMillis(),
                        e.code().wireName());
                throw e;
            }
            ProviderResult result = record(provider, context, completed, outcome, output);
            log.info(
                    "{} request {} finished in {} ms under {}",
                    cli.wireName(),
                    context.correlationId(),
                    result.durationMs(),
                    result.sessionId());
            recorder.completed(context, result);
            return result;
        } catch (GatewayException e) {
            recorder.failed(cli, context, outcome.duration().toMillis(), outcome.exitCode(), e);
            throw e;
        } finally {
            deleteScratchFiles(context);
        }
    }

    /** What a run in a workspace records on its session, so that its later requests stay in that workspace. */
    private static Map<String, String> workspaceMetadata(Placement placement) {
        if (placement == null || placement.workspace() == null) {
            return Map.of();
        }
        return Map.of(
                Worktrees.WORKSPACE_ALIAS_KEY,
                placement.workspace(),
                Worktrees.WORKSPACE_ROOT_KEY,
                placement.workspaceRoot().toString());
    }

    /** The real directory the session's conversation ran in, if it recorded one that still exists. */
    private static Path recordedDir(SessionRecord session) {
        String recorded = session == null ? null : session.metadata().get(WORKING_DIR_KEY);
        return recorded == null ? null : ProviderOptions.realDirectory(recorded).orElse(null);
    }

    /** The request as the checks of a finished run see it: its conversation, model and directory, no prompt. */
    private static CanonicalRequest completedRequest(RunContext context) {
        Continuation continuation = context.continuation();
        return new CanonicalRequest(
                "",
                context.model(),
                context.sessionId(),
                continuation.isResume() ? continuation.nativeSessionId() : null,
                false,
                continuation.kind() == Continuation.Kind.LATEST,
                context.workingDir(),
                context.timeout(),
                context.idleTimeout(),
                context.correlationId(),
                ProviderOptions.none(),
                context.owner(),
                null);
    }

    /**
     * What the parser read, as the caller may see it: text fields redacted, and a session id the gateway
     * would not accept from a caller dropped with a warning (it would be passed back to the CLI on resume).
     */
    private ParsedOutput visible(ProviderCli provider, ParsedOutput parsed) {
        List<String> warnings =
                new ArrayList<>(parsed.warnings().stream().map(redactor::redact).toList());
        String nativeId = parsed.nativeSessionId();
        if (nativeId != null && (!SessionService.isValidNativeId(nativeId) || redactor.containsSecret(nativeId))) {
            warnings.add(FailureClassifier.name(provider) + " reported a session id the gateway does not accept ('"
                    + Excerpts.head(redactor.redact(nativeId), 60) + "': " + SessionService.NATIVE_ID_RULE
                    + "), so it was not recorded.");
            nativeId = null;
        }
        return new ParsedOutput(
                redactor.redact(parsed.response()),
                nativeId,
                redactor.redact(parsed.model()),
                parsed.usage(),
                parsed.costUsd(),
                redactor.redact(parsed.error()),
                warnings);
    }

    /** Cleans up after a prepared request that will never run to completion (its scratch files). */
    @Override
    public void abandon(RunContext context) {
        recorder.abandoned(context);
        deleteScratchFiles(context);
    }

    @Override
    public Optional<String> toolStarted(ProviderId cli, JsonNode event) {
        return registry.get(cli).toolStarted(event);
    }

    private static void deleteScratchFiles(RunContext context) {
        for (Path file : context.scratchFiles()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("could not delete temporary file {}: {}", file, e.toString());
            }
        }
    }

    /**
     * The options with every {@link OptionType#DIRECTORY_ARRAY} and {@link OptionType#FILE_ARRAY} entry replaced by
     * its real path (links resolved), so that a policy judges, and the CLI gets, what the paths lead to.
     */
    private static ProviderOptions withRealDirectories(List<ProviderOption> declared, ProviderOptions options) {
        Map<String, Object> real = new LinkedHashMap<>(options.asMap());
        for (ProviderOption option : declared) {
            boolean directories = option.type() == OptionType.DIRECTORY_ARRAY;
            if ((directories || option.type() == OptionType.FILE_ARRAY) && real.containsKey(option.name())) {
                List<String> paths = new ArrayList<>();
                for (String value : options.strings(option.name())) {
                    String shown = Excerpts.head(value, 200);
                    paths.add((directories ? ProviderOptions.realDirectory(value) : ProviderOptions.realFile(value))
                            .orElseThrow(() -> GatewayException.invalidArgument(
                                    directories
                                            ? "Every entry of '" + option.name() + "' must be the absolute path of an "
                                                    + "existing directory; got '" + shown + "'."
                                            : option.name() + ": path does not exist: " + shown
                                                    + " (give the absolute path of an existing file)."))
                            .toString());
                }
                real.put(option.name(), List.copyOf(paths));
            }
        }
        return ProviderOptions.of(declared, real);
    }

    private Plan plan(ProviderCli provider, ProviderRequest request) {
        String sessionId = request.sessionId();
        if (request.createNewSession() && (sessionId != null || request.resumeLatest())) {
            throw GatewayException.invalidArgument("createNewSession starts a new conversation, so it cannot be "
                    + "combined with " + (sessionId != null ? "sessionId" : "resumeLatest") + "; send one of them.");
        }
        if (sessionId != null && request.resumeLatest()) {
            throw GatewayException.invalidArgument(
                    "Send either sessionId (that conversation) or resumeLatest " + "(the latest one), not both.");
        }
        if (request.createNewSession()) {
            return new Plan(null, Continuation.fresh());
        }
        Principal owner = request.owner();
        if (sessionId != null) {
            SessionService.checkId(sessionId);
            if (sessionId.startsWith(SessionService.ID_PREFIX)) {
                return underSession(provider, sessions.get(owner, sessionId).record());
            }
            // A session imported from the original gateway keeps its bare id.
            Optional<SessionRecord> imported = sessions.find(owner, sessionId);
            if (imported.isPresent()) {
                return underSession(provider, imported.get());
            }
            SessionService.checkNativeId(sessionId);
            Optional<SessionRecord> mapped = sessions.findByNativeId(owner, provider.id(), sessionId);
            if (mapped.isEmpty() && !owner.isLocal()) {
                throw new GatewayException(
                        ErrorCode.SESSION_NOT_FOUND,
                        "No gateway session of this grant maps to the "
                                + "native session " + sessionId
                                + "; a grant continues only conversations recorded on its own "
                                + "gw-* sessions (see session_list).");
            }
            return new Plan(mapped.orElse(null), Continuation.resume(sessionId));
        }
        if (request.resumeLatest()) {
            if (!owner.isLocal()) {
                throw GatewayException.invalidArgument(
                        "resumeLatest continues the CLI's latest conversation, which may "
                                + "be another caller's, so only the local grant (stdio) may use it; pass the gw-* sessionId of "
                                + "your conversation instead.");
            }
            return new Plan(null, Continuation.latest());
        }
        return sessions.active(owner, provider.id())
                .map(active -> underSession(provider, active))
                .orElseGet(() -> new Plan(null, Continuation.fresh()));
    }

    private static Plan underSession(ProviderCli provider, SessionRecord session) {
        if (session.cli() != provider.id()) {
            throw new GatewayException(
                    ErrorCode.PROVIDER_MISMATCH,
                    "Session " + session.id() + " belongs to provider '"
                            + session.cli().wireName() + "', not '"
                            + provider.id().wireName() + "'; use "
                            + session.cli().wireName() + "_request for it, or another session.");
        }
        String nativeId = session.nativeSessionId();
        if (nativeId != null && !SessionService.isValidNativeId(nativeId)) {
            // Recorded before captured ids were checked, or written into the store by hand.
            throw GatewayException.invalidArgument("Session " + session.id() + " records a native session id the "
                    + "gateway does not pass to a CLI (" + SessionService.NATIVE_ID_RULE + "); start a new session "
                    + "(createNewSession:true).");
        }
        return new Plan(session, nativeId == null ? Continuation.fresh() : Continuation.resume(nativeId));
    }

    /**
     * The requested directory, else the one the session's conversation ran in, else the default, as a real
     * path. A CLI that keeps conversations per directory can resume one only where it ran.
     */
    private Path chooseWorkingDir(ProviderCli provider, Plan plan, Path requested) {
        String recorded =
                plan.session() == null ? null : plan.session().metadata().get(WORKING_DIR_KEY);
        if (recorded == null) {
            return requested != null ? requested : realDefaultWorkingDir();
        }
        Path recordedDir = ProviderOptions.realDirectory(recorded).orElse(null);
        boolean boundToDir =
                provider.resumesPerDirectory() && plan.continuation().isResume();
        String name = FailureClassifier.name(provider);
        if (requested == null) {
            if (recordedDir != null) {
                return recordedDir;
            }
            if (boundToDir) {
                throw GatewayException.invalidArgument("Session "
                        + plan.session().id() + " ran in " + recorded
                        + ", which no longer exists, and " + name + " resumes a conversation only in its directory; "
                        + "start a new session (createNewSession:true).");
            }
            return realDefaultWorkingDir();
        }
        if (boundToDir && !requested.equals(recordedDir)) {
            throw GatewayException.invalidArgument("Session " + plan.session().id() + " ran in " + recorded + " and "
                    + name + " resumes a conversation only in its directory; omit workingDir (or pass " + recorded
                    + "), or start a new session with createNewSession:true.");
        }
        return requested;
    }

    private Path realDefaultWorkingDir() {
        Path dir = settings.defaultWorkingDir();
        return ProviderOptions.realDirectory(dir.toString())
                .orElseThrow(() -> GatewayException.invalidArgument("The gateway's own directory " + dir
                        + " no longer exists, so a request must name its workingDir."));
    }

    /**
     * Runs the provider's checks of the request's values (option ranges, formats) and the argument size
     * limit by building the command once, before anything is counted or created.
     */
    private static void checkCommand(ProviderCli provider, CanonicalRequest request) {
        try (ScratchFiles dryRun = new ScratchFiles()) {
            List<String> arguments = provider.invocation(request, dryRun).arguments();
            int maxArgumentBytes = InputLimits.DEFAULTS.maxArgumentBytes();
            if (arguments.stream().anyMatch(a -> a.getBytes(StandardCharsets.UTF_8).length > maxArgumentBytes)) {
                throw GatewayException.invalidArgument(FailureClassifier.name(provider) + " takes the prompt (and "
                        + "options) as command-line arguments, and one argument may be at most " + maxArgumentBytes
                        + " bytes; shorten the prompt, e.g. by putting long material in a file in workingDir and "
                        + "referring to it.");
            }
        }
    }

    private ProcessSpec spec(
            ProviderCli provider, Invocation invocation, Path workingDir, Duration timeout, Duration idleTimeout) {
        List<String> command = new ArrayList<>();
        command.add(executable(provider));
        command.addAll(invocation.arguments());
        return ProcessSpec.builder(command)
                .workingDir(workingDir)
                .environment(invocation.environment(settings.environment()))
                .stdin(invocation.stdin())
                .wallTimeout(timeout)
                .idleTimeout(idleTimeout)
                .maxOutputBytes(settings.maxOutputBytes())
                .killGrace(settings.killGrace())
                .build();
    }

    private String executable(ProviderCli provider) {
        return settings.commands().command(provider.id());
    }

    /** The spec with its executable resolved, so a missing CLI is reported before anything is queued. */
    private ProcessSpec checkedExecutable(ProviderCli provider, ProcessSpec spec) {
        try {
            return spec.checked(InputLimits.DEFAULTS);
        } catch (ExecutableNotFoundException e) {
            throw notFound(provider, spec);
        }
    }

    private static GatewayException notFound(ProviderCli provider, ProcessSpec spec) {
        String variable = provider.id().commandOverrideVariable();
        String command = provider.id().defaultCommand();
        boolean overridden = !command.equals(spec.command().get(0));
        String message = overridden
                ? variable + " is set but does not name an executable file; fix it, or unset it to run '" + command
                        + "' from PATH."
                : "The " + FailureClassifier.name(provider) + " ('" + command + "') was not found on the PATH of the "
                        + "gateway's environment; install it, or set " + variable + " to its absolute path.";
        return new GatewayException(
                ErrorCode.CLI_NOT_FOUND,
                message,
                Map.of(
                        "cli",
                        provider.id().wireName(),
                        "command",
                        overridden ? variable : command,
                        "overrideVariable",
                        variable));
    }

    private ProviderResult record(
            ProviderCli provider,
            RunContext context,
            CanonicalRequest request,
            ProcessOutcome outcome,
            ParsedOutput output) {
        Continuation continuation = context.continuation();
        String model = context.model();
        List<String> warnings = new ArrayList<>(output.warnings());
        String nativeId = output.nativeSessionId() != null
                ? output.nativeSessionId()
                : continuation.isResume() ? continuation.nativeSessionId() : null;
        if (continuation.isResume() && !nativeId.equals(continuation.nativeSessionId())) {
            warnings.add(FailureClassifier.name(provider) + " continued the conversation under a new session id "
                    + nativeId + " (was " + continuation.nativeSessionId() + "); the gateway session now maps to it.");
        }
        Map<String, String> metadata = new HashMap<>(context.sessionMetadata());
        metadata.put(WORKING_DIR_KEY, request.workingDir().toString());
        if (provider.reportsCumulativeUsage()) {
            CumulativeUsage.remember(metadata, output.usage());
        }
        SessionService.RecordedRun recorded =
                recordRun(context.owner(), context.sessionId(), provider.id(), nativeId, metadata, warnings);
        Usage usage = provider.reportsCumulativeUsage()
                ? CumulativeUsage.perRequest(
                        provider, continuation, output.usage(), recorded.before(), nativeId, warnings)
                : output.usage();
        if (nativeId == null) {
            String name = provider.id().displayName();
            warnings.add(name + " did not report a session id, so the gateway cannot continue this conversation by "
                    + "sessionId: a request with sessionId " + recorded.after().id() + " starts a new conversation. "
                    + "To continue it, use resumeLatest:true (the latest conversation in this working directory) or "
                    + "pass " + name + "'s own session id as sessionId.");
        }
        if (output.response().isBlank()) {
            warnings.add(FailureClassifier.name(provider) + " returned an empty reply.");
        }
        return new ProviderResult(
                provider.id(),
                output.response(),
                recorded.after().id(),
                nativeId,
                continuation.continuesConversation(),
                output.model() != null ? output.model() : model,
                usage,
                output.costUsd(),
                outcome.duration().toMillis(),
                outcome.exitCode(),
                context.correlationId(),
                outcome.stdoutTruncated() || outcome.stderrTruncated(),
                warnings);
    }

    private SessionService.RecordedRun recordRun(
            Principal owner,
            String sessionId,
            ProviderId cli,
            String nativeId,
            Map<String, String> metadata,
            List<String> warnings) {
        if (sessionId != null) {
            Optional<SessionService.RecordedRun> recorded = sessions.recordRun(owner, sessionId, nativeId, metadata);
            if (recorded.isPresent()) {
                return recorded.get();
            }
            warnings.add("Session " + sessionId + " was deleted or expired while the request ran; the "
                    + "conversation is recorded under a new session.");
        }
        return sessions.recordRunForNativeId(owner, cli, nativeId, metadata);
    }

    private static String checkPrompt(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw GatewayException.invalidArgument("prompt must not be empty.");
        }
        if (prompt.length() > MAX_PROMPT_CHARS) {
            throw GatewayException.invalidArgument(
                    "prompt is " + prompt.length() + " characters; at most " + MAX_PROMPT_CHARS + " are allowed.");
        }
        if (prompt.indexOf('\0') >= 0) {
            throw GatewayException.invalidArgument("prompt must not contain NUL characters.");
        }
        return prompt;
    }

    private static String checkModel(String model) {
        if (model == null) {
            return null;
        }
        if (model.isBlank()
                || model.length() > MAX_MODEL_CHARS
                || model.startsWith("-")
                || model.chars().anyMatch(Character::isISOControl)) {
            throw GatewayException.invalidArgument("model must be a model name of 1-" + MAX_MODEL_CHARS
                    + " characters, not starting with '-' and without control characters.");
        }
        return model;
    }

    private static String checkCorrelationId(String given) {
        if (given != null
                && (given.isBlank()
                        || given.length() > MAX_CORRELATION_ID_CHARS
                        || given.chars().anyMatch(Character::isISOControl))) {
            throw GatewayException.invalidArgument(
                    "correlationId must be 1-" + MAX_CORRELATION_ID_CHARS + " characters without control characters.");
        }
        return given;
    }

    private static Duration duration(String name, Long millis, Duration defaultValue) {
        if (millis == null) {
            return defaultValue;
        }
        if (millis < 1 || millis > MAX_TIMEOUT.toMillis()) {
            throw GatewayException.invalidArgument(
                    name + " must be between 1 and " + MAX_TIMEOUT.toMillis() + " ms, got " + millis + ".");
        }
        return Duration.ofMillis(millis);
    }

    private static Path realWorkingDir(String value) {
        return ProviderOptions.realDirectory(value)
                .orElseThrow(() -> GatewayException.invalidArgument(
                        "workingDir must be the absolute path of an existing directory; got '"
                                + Excerpts.head(value, 200) + "'."));
    }
}
