package io.llmgateway.policy;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policy enforcement plus audit around one tool call: the whole decorator a tool handler needs.
 *
 * <pre>{@code
 * guard.call(toolName, receivedArguments, caller, adapter, guardedCall);
 * }</pre>
 *
 * A denied call returns {@link ToolCallAdapter#failed} without running. A permitted call keeps its
 * quota whatever result it returns; if it throws, the failure is taken as a protocol-level one
 * (JSON-RPC error), the quota is given back and the exception propagates. So wrap handlers that
 * already turn domain failures into {@code isError} results.
 */
public final class PolicyGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyGuard.class);

    private final PolicyEnforcer enforcer;
    private final AuditLog audit;
    private final Clock clock;

    /** Takes ownership of {@code enforcer} and {@code audit}: {@link #close()} closes both. */
    public PolicyGuard(PolicyEnforcer enforcer, AuditLog audit, Clock clock) {
        this.enforcer = enforcer;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Loads the policy ({@code $LLM_GATEWAY_POLICY} or {@code <dataDir>/policy.json}) and opens the
     * shared counters and the audit log in {@code dataDir}.
     *
     * @throws InvalidPolicyException if the policy file is invalid, or named by the variable and
     *                                 missing: refuse to start
     */
    public static PolicyGuard open(Path dataDir, Map<String, String> env, Clock clock) {
        PolicyFile policyFile = new PolicyFile(
                PolicyLocation.resolve(env, dataDir), new PolicyParser(), clock, PolicyFile.DEFAULT_CHECK_INTERVAL);
        PolicyCounters counters = new PolicyCounters(dataDir);
        AuditLog audit = new AuditLog(dataDir, AuditLog.DEFAULT_MAX_BYTES, AuditLog.DEFAULT_KEEP);
        return new PolicyGuard(new PolicyEnforcer(policyFile, counters, clock), audit, clock);
    }

    /** Whether {@code tool} belongs in {@code tools/list} (hidden tools do not). */
    public boolean isListed(String tool) {
        return !enforcer.isHidden(tool);
    }

    /** Whether the tool-level rules (hide, default, action) let {@code tool} be called at all. */
    public boolean admitsTool(String tool) {
        return enforcer.checkTool(tool).isEmpty();
    }

    /** Whether every rule but the limits admits a call of {@code tool} with these canonical arguments. */
    public boolean allows(String tool, Map<String, ?> arguments) {
        return enforcer.allows(tool, arguments, ArgumentIdentity.AS_IS);
    }

    /** For the start-up line on stderr, e.g. {@code status().describe()}. */
    public PolicyStatus status() {
        return enforcer.status();
    }

    /**
     * Admits, runs and audits one call, in this order: the rules that need no arguments (hide, default,
     * action); {@link GuardedCall#canonicalise()}, so that invalid arguments cost no quota; the argument
     * rules on the canonical arguments and the limits; then {@link GuardedCall#run()}. Denials, refused
     * arguments and counters that cannot be updated (the call is then refused: fail closed) come back as
     * {@link ToolCallAdapter#failed} results. The audit line shows the arguments as received and names the
     * caller, whose own count per-grant limits charge.
     */
    public <R> R call(
            String tool, Map<String, ?> received, Principal caller, ToolCallAdapter<R> adapter, GuardedCall<R> call) {
        return admitAndRun(tool, null, received, caller, adapter, call);
    }

    /**
     * A read of MCP resource {@code uri}, which shows what {@code tool} shows: admitted, counted and
     * denied exactly as a call of that tool with the canonical arguments the read stands for, and
     * audited as such, naming the resource.
     */
    public <R> R readResource(
            String uri, String tool, Principal caller, ToolCallAdapter<R> adapter, GuardedCall<R> read) {
        return admitAndRun(tool, uri, Map.of("uri", uri), caller, adapter, read);
    }

    private <R> R admitAndRun(
            String tool,
            String resource,
            Map<String, ?> received,
            Principal caller,
            ToolCallAdapter<R> adapter,
            GuardedCall<R> call) {
        AuditedCall audited = new AuditedCall(clock.instant(), tool, resource, caller, received);
        Optional<PolicyDecision.Denied> toolDenied = enforcer.checkTool(tool);
        if (toolDenied.isPresent()) {
            return refused(audited, adapter, toolDenied.get());
        }
        GuardedCall.Canonical canonical;
        PolicyDecision decision;
        try {
            canonical = call.canonicalise();
            decision = enforcer.admit(tool, canonical.arguments(), canonical.identity(), caller);
        } catch (GatewayException e) {
            audited.record(AuditOutcome.ERROR, e.code().wireName(), null);
            return adapter.failed(e);
        } catch (RuntimeException e) {
            audited.record(AuditOutcome.PROTOCOL_ERROR, null, null);
            throw e;
        }
        if (decision instanceof PolicyDecision.Denied denial) {
            return refused(audited, adapter, denial);
        }
        Reservation reservation = ((PolicyDecision.Allowed) decision).reservation();
        R result;
        try {
            result = call.run();
        } catch (RuntimeException e) {
            releaseAfterProtocolError(reservation);
            audited.record(AuditOutcome.PROTOCOL_ERROR, null, null);
            throw e;
        }
        ToolCallAdapter.CallOutcome outcome = adapter.outcomeOf(result);
        audited.record(outcome.isError() ? AuditOutcome.ERROR : AuditOutcome.OK, outcome.errorCode(), null);
        return result;
    }

    private static <R> R refused(AuditedCall audited, ToolCallAdapter<R> adapter, PolicyDecision.Denied denial) {
        audited.record(
                denial.code() == ErrorCode.RATE_LIMITED ? AuditOutcome.RATE_LIMITED : AuditOutcome.DENIED,
                denial.code().wireName(),
                denial.rule());
        return adapter.failed(denial.toException());
    }

    /** The audit line's fixed part for one call; {@link #record} writes it with how the call ended. */
    private final class AuditedCall {
        private final Instant started;
        private final String tool;
        private final String resource;
        private final Principal caller;
        private final Map<String, ?> received;

        AuditedCall(Instant started, String tool, String resource, Principal caller, Map<String, ?> received) {
            this.started = started;
            this.tool = tool;
            this.resource = resource;
            this.caller = caller;
            this.received = received;
        }

        void record(AuditOutcome outcome, String errorCode, String rule) {
            audit.record(
                    started,
                    tool,
                    resource,
                    caller,
                    received,
                    outcome,
                    errorCode,
                    rule,
                    Duration.between(started, clock.instant()).toMillis());
        }
    }

    /** The original failure matters more than a refund that could not be made. */
    private static void releaseAfterProtocolError(Reservation reservation) {
        try {
            reservation.release();
        } catch (GatewayException e) {
            LOG.warn("quota of a failed call could not be given back: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        audit.close();
        enforcer.close();
    }
}
