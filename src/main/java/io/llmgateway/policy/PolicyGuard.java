package io.llmgateway.policy;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Principal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policy enforcement plus audit around one tool call: the whole decorator a tool handler needs.
 *
 * <pre>{@code
 * ToolDecorator policy = (definition, next) -> call -> guard.call(call.toolName(),
 *         call.arguments().asMap(), call.principal(), adapter, () -> next.handle(call));
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
        PolicyFile policyFile = new PolicyFile(PolicyLocation.resolve(env, dataDir), new PolicyParser(), clock,
                PolicyFile.DEFAULT_CHECK_INTERVAL);
        PolicyCounters counters = new PolicyCounters(dataDir);
        AuditLog audit = new AuditLog(dataDir, AuditLog.DEFAULT_MAX_BYTES, AuditLog.DEFAULT_KEEP);
        return new PolicyGuard(new PolicyEnforcer(policyFile, counters, clock), audit, clock);
    }

    /** Whether {@code tool} belongs in {@code tools/list} (hidden tools do not). */
    public boolean isListed(String tool) {
        return !enforcer.isHidden(tool);
    }

    /** For the start-up line on stderr, e.g. {@code status().describe()}. */
    public PolicyStatus status() {
        return enforcer.status();
    }

    /**
     * Admits, runs and audits one call by {@code caller}. Denials, and counters that cannot be updated (the
     * call is then refused: fail closed), come back as {@link ToolCallAdapter#failed} results.
     */
    public <R> R call(String tool, Map<String, ?> arguments, Principal caller, ToolCallAdapter<R> adapter,
            Supplier<R> invocation) {
        Instant started = clock.instant();
        PolicyDecision decision;
        try {
            decision = enforcer.admit(tool, arguments, caller);
        } catch (GatewayException e) {
            audit.record(started, tool, caller, arguments, AuditOutcome.ERROR, e.code().wireName(), null,
                    elapsedMs(started));
            return adapter.failed(e);
        }
        if (decision instanceof PolicyDecision.Denied denial) {
            AuditOutcome outcome = denial.code() == ErrorCode.RATE_LIMITED
                    ? AuditOutcome.RATE_LIMITED : AuditOutcome.DENIED;
            audit.record(started, tool, caller, arguments, outcome, denial.code().wireName(), denial.rule(),
                    elapsedMs(started));
            return adapter.failed(denial.toException());
        }
        Reservation reservation = ((PolicyDecision.Allowed) decision).reservation();
        R result;
        try {
            result = invocation.get();
        } catch (RuntimeException e) {
            releaseAfterProtocolError(reservation);
            audit.record(started, tool, caller, arguments, AuditOutcome.PROTOCOL_ERROR, null, null, elapsedMs(started));
            throw e;
        }
        ToolCallAdapter.CallOutcome outcome = adapter.outcomeOf(result);
        audit.record(started, tool, caller, arguments, outcome.isError() ? AuditOutcome.ERROR : AuditOutcome.OK,
                outcome.errorCode(), null, elapsedMs(started));
        return result;
    }

    /** The original failure matters more than a refund that could not be made. */
    private static void releaseAfterProtocolError(Reservation reservation) {
        try {
            reservation.release();
        } catch (GatewayException e) {
            LOG.warn("quota of a failed call could not be given back: {}", e.getMessage());
        }
    }

    private long elapsedMs(Instant started) {
        return Duration.between(started, clock.instant()).toMillis();
    }

    @Override
    public void close() {
        audit.close();
        enforcer.close();
    }
}
