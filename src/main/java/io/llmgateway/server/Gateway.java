package io.llmgateway.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.RecorderConfig;
import io.llmgateway.contract.CliContracts;
import io.llmgateway.contract.ContractProbe;
import io.llmgateway.core.Json;
import io.llmgateway.core.Version;
import io.llmgateway.exec.ProcessSpec;
import io.llmgateway.exec.RunGroup;
import io.llmgateway.files.FileMutexes;
import io.llmgateway.job.JobService;
import io.llmgateway.model.ModelCatalog;
import io.llmgateway.ops.CliUpgrader;
import io.llmgateway.ops.ProcessHealth;
import io.llmgateway.ops.ProviderProber;
import io.llmgateway.policy.PolicyGuard;
import io.llmgateway.provider.ProviderRequestService;
import io.llmgateway.provider.RequestSettings;
import io.llmgateway.provider.cli.ProviderRegistry;
import io.llmgateway.recorder.FlightRecorder;
import io.llmgateway.redact.SecretRedactor;
import io.llmgateway.session.SessionService;
import io.llmgateway.session.SessionStore;
import io.llmgateway.tools.ContractTools;
import io.llmgateway.tools.GatewayResources;
import io.llmgateway.tools.GatewayTool;
import io.llmgateway.tools.JobTools;
import io.llmgateway.tools.JsonSchemaSubset;
import io.llmgateway.tools.McpToolBinding;
import io.llmgateway.tools.OperationsTools;
import io.llmgateway.tools.PolicyDecorator;
import io.llmgateway.tools.ProviderRequestTools;
import io.llmgateway.tools.RecorderTools;
import io.llmgateway.tools.RequestPathWarmUp;
import io.llmgateway.tools.ResourceListFilter;
import io.llmgateway.tools.SessionTools;
import io.llmgateway.tools.ToolDecorator;
import io.llmgateway.tools.UpgradeTools;
import io.llmgateway.tools.WorkspaceTools;
import io.llmgateway.transport.StdioJsonRpcTransport;
import io.llmgateway.workspace.Git;
import io.llmgateway.workspace.Placements;
import io.llmgateway.workspace.RegistryFiles;
import io.llmgateway.workspace.WorkspaceService;
import io.llmgateway.workspace.Worktrees;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Wires one gateway: store, services, tools and the MCP server, over the transport it is given (stdio here,
 * or the HTTP transport of {@code io.llmgateway.http}, which is loaded only when serving HTTP).
 */
public final class Gateway implements AutoCloseable {
    public static final String NAME = "llm-cli-gateway";

    private final McpSyncServer server;
    private final McpToolBinding binding;
    private final JobService jobs;
    private final RunGroup probes;
    private final SessionStore store;
    private final PolicyGuard policy;
    private final Lifetime lifetime;
    private final Runnable requestPathWarmUp;

    /** Until when the transport serves: stdin EOF on stdio, the server stopping on HTTP. */
    @FunctionalInterface
    public interface Lifetime {
        void await() throws InterruptedException;
    }

    /** Load figures (never data): tool calls being handled by this process, jobs of every gateway and grant. */
    public record Load(int inFlightCalls, int runningJobs, int queuedJobs) {}

    private Gateway(
            McpSyncServer server,
            McpToolBinding binding,
            JobService jobs,
            RunGroup probes,
            SessionStore store,
            PolicyGuard policy,
            Lifetime lifetime,
            Runnable requestPathWarmUp) {
        this.server = server;
        this.binding = binding;
        this.jobs = jobs;
        this.probes = probes;
        this.store = store;
        this.policy = policy;
        this.lifetime = lifetime;
        this.requestPathWarmUp = requestPathWarmUp;
    }

    /** Builds the server over stdio (the given streams) and starts reading requests. */
    public static Gateway start(
            GatewayConfig config,
            SessionStore store,
            PolicyGuard policy,
            InputStream in,
            OutputStream out,
            Clock clock) {
        ObjectMapper mapper = Json.newMapper();
        StdioJsonRpcTransport transport = new StdioJsonRpcTransport(
                new JacksonMcpJsonMapper(mapper), mapper, in, out, config.maxLineBytes(), config.shutdownDrain());
        Gateway gateway = assemble(
                config,
                store,
                policy,
                clock,
                mapper,
                listFilter -> McpServer.sync(new ResourceListFilter(transport, listFilter)),
                transport::awaitTermination);
        transport.start();
        // At once, beside initialize: measured, it costs initialize ~5% and halves the first tools/call when
        // the host calls a tool right after initialize (docs/PERFORMANCE.md).
        gateway.requestPathWarmUp.run();
        return gateway;
    }

    /**
     * Builds the services and tools and the MCP server, and starts the job watcher; the transport starts
     * serving afterwards.
     *
     * @param serverSpec the server specification on the transport's provider (made with {@code mapper}), given
     *                   the filter the transport applies to outgoing messages so that resource lists leave out
     *                   what the policy denies (the SDK filters only tool lists)
     */
    public static Gateway assemble(
            GatewayConfig config,
            SessionStore store,
            PolicyGuard policy,
            Clock clock,
            ObjectMapper mapper,
            Function<UnaryOperator<McpSchema.JSONRPCMessage>, McpServer.SyncSpecification<?>> serverSpec,
            Lifetime lifetime) {
        JacksonMcpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        JsonSchemaSubset validator = new JsonSchemaSubset();

        SessionService sessions = new SessionService(store, clock, config.sessionTtl());
        ProviderRegistry providers = ProviderRegistry.standard();
        RunGroup probes = new RunGroup();
        ModelCatalog models = new ModelCatalog(config.environment());
        // The CLIs run with the gateway's environment: its secret-looking values are redacted from their output.
        SecretRedactor redactor = new SecretRedactor(config.environment());
        Git git = new Git(probes, config.environment());
        RegistryFiles registryFiles = new RegistryFiles(config.dataDir(), config.environment());
        Worktrees worktrees = new Worktrees(git, config.dataDir());
        FileMutexes mutexes = new FileMutexes();
        FlightRecorder recorder = new FlightRecorder(
                config.dataDir(),
                RecorderConfig.fromEnvironment(config.environment()),
                mutexes,
                mapper,
                clock,
                redactor);
        ProviderRequestService requests = new ProviderRequestService(
                providers,
                sessions,
                new RequestSettings(
                        config.environment(),
                        config.commands(),
                        Path.of("").toAbsolutePath(),
                        config.maxOutputBytes(),
                        ProcessSpec.DEFAULT_KILL_GRACE),
                models,
                redactor,
                new Placements(registryFiles, worktrees, SessionService::newId),
                recorder);

        JobService jobs = new JobService(config.dataDir(), config.jobs(), requests, mutexes, mapper, clock, redactor);

        List<GatewayTool> tools = new ArrayList<>(new SessionTools(sessions, worktrees).tools());
        List<ProviderRequestTools.RequestTool> requestTools =
                new ProviderRequestTools(providers, requests, jobs).tools();
        requestTools.forEach(requestTool -> tools.add(requestTool.tool()));
        tools.addAll(new JobTools(jobs).tools(requestTools));
        tools.addAll(new RecorderTools(recorder, clock).tools());
        // Operations: read-only tools and resources showing models, CLIs, health, sessions and jobs.
        ProviderProber prober = new ProviderProber(providers, probes, config.environment(), config.probeTimeout());
        tools.addAll(new OperationsTools(
                        models,
                        prober,
                        new ProcessHealth(Version.current(), config.dataDir(), store, policy::status, jobs))
                .tools());
        tools.addAll(new UpgradeTools(new CliUpgrader(config.environment(), probes), prober).tools());
        CliContracts contracts = CliContracts.bundled(mapper);
        tools.addAll(new ContractTools(
                        contracts,
                        new ContractProbe(contracts, config.environment(), config.probeTimeout(), probes, clock),
                        clock)
                .tools());
        tools.addAll(
                new WorkspaceTools(new WorkspaceService(registryFiles, git, config.dataDir(), config.environment()))
                        .tools());
        GatewayResources resources = new GatewayResources(sessions, jobs, recorder, models, policy, mapper, clock);
        PolicyDecorator policyDecorator = new PolicyDecorator(policy);
        List<ToolDecorator> decorators = List.of(policyDecorator);
        McpToolBinding binding = new McpToolBinding(mapper, validator, decorators);

        McpSyncServer server = serverSpec
                .apply(ResourceListFilter.of(resources::isListed, resources::isListed))
                .serverInfo(NAME, Version.current())
                .instructions("Runs coding-agent CLIs (Claude Code, Codex, Gemini, Grok, Mistral Vibe, Devin, Cursor) "
                        + "headlessly and keeps gateway sessions (gw-* ids) that continue their conversations. For long "
                        + "tasks use <cli>_request_async and poll llm_job_status: jobs survive client timeouts and "
                        + "gateway restarts.")
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(true)
                        .resources(false, false)
                        .logging()
                        .build())
                .jsonMapper(mcpMapper)
                .jsonSchemaValidator(validator)
                .validateToolInputs(false)
                .addToolFilter((context, tool) -> policyDecorator.isListed(tool.name()))
                .tools(tools.stream().map(binding::bind).toList())
                .resources(resources.resources())
                .resourceTemplates(resources.templates())
                .build();
        jobs.start();
        return new Gateway(
                server,
                binding,
                jobs,
                probes,
                store,
                policy,
                lifetime,
                () -> RequestPathWarmUp.start(mapper, validator, sessions));
    }

    public void awaitTermination() throws InterruptedException {
        lifetime.await();
    }

    public Load load() {
        JobService.ActiveCounts counts = jobs.activeCounts();
        return new Load(binding.inFlightCalls(), counts.running(), counts.queued());
    }

    @Override
    public void close() {
        server.close();
        jobs.close();
        probes.close();
        policy.close();
        store.close();
    }
}
