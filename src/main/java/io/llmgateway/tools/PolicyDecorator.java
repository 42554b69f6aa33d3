package io.llmgateway.tools;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import io.llmgateway.policy.GuardedCall;
import io.llmgateway.policy.PolicyGuard;
import io.llmgateway.policy.ToolCallAdapter;

/**
 * Applies the policy (hidden tools, default deny, argument rules, rate limits) and the audit trail
 * around every tool handler. The argument rules judge the call's canonical request, and the handler
 * runs exactly that. A denial is an {@code isError} result whose text starts with
 * {@code [POLICY DENIED]}, never a JSON-RPC error.
 */
public final class PolicyDecorator implements ToolDecorator {
    private static final ToolCallAdapter<ToolResult> ADAPTER = new ToolCallAdapter<>() {
        @Override
        public ToolResult failed(GatewayException failure) {
            ToolResult error = ToolResult.error(failure);
            boolean denial = failure.code() == ErrorCode.POLICY_DENIED || failure.code() == ErrorCode.RATE_LIMITED;
            return denial ? new ToolResult(error.structured(), failure.getMessage(), true) : error;
        }

        @Override
        public CallOutcome outcomeOf(ToolResult result) {
            return result.isError() ? CallOutcome.error(result.errorCode()) : CallOutcome.OK;
        }
    };

    private final PolicyGuard guard;

    public PolicyDecorator(PolicyGuard guard) {
        this.guard = guard;
    }

    @Override
    public ToolHandler decorate(ToolDefinition tool, ToolHandler next) {
        return call -> guard.call(
                call.toolName(), call.arguments().asMap(), call.principal(), ADAPTER, new Guarded(call, next));
    }

    /** A call the guard normalises before its argument rules and limits, then runs as normalised. */
    private static final class Guarded implements GuardedCall<ToolResult> {
        private final ToolCall sent;
        private final ToolHandler next;
        private ToolCall canonical;

        Guarded(ToolCall sent, ToolHandler next) {
            this.sent = sent;
            this.next = next;
        }

        @Override
        public Canonical canonicalise() {
            canonical = sent.canonical();
            return new Canonical(
                    canonical.arguments().asMap(), sent.normaliser().identity());
        }

        @Override
        public ToolResult run() {
            return next.handle(canonical);
        }
    }

    /** Whether the tool appears in tools/list under the current (hot-reloaded) policy. */
    public boolean isListed(String toolName) {
        return guard.isListed(toolName);
    }
}
