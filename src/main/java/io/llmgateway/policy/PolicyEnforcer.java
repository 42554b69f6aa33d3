package io.llmgateway.policy;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a tool call may run. Order: hidden, then default deny for unlisted tools, then the
 * tool's action (these three need no arguments: {@link #checkTool}), then its argument rules
 * ({@code require}, then {@code deny_if}) on the call's canonical arguments, then limits. Limits
 * reserve quota on every counter the call touches ({@code all_tools} and the tool's own) in one
 * atomic step: if any is at its maximum, the call is denied and nothing is consumed.
 */
public final class PolicyEnforcer implements AutoCloseable {
    private static final String DENIED_PREFIX = "[POLICY DENIED] ";

    private final PolicyFile policyFile;
    private final PolicyCounters counters;
    private final Clock clock;

    /** Takes ownership of {@code counters}: {@link #close()} closes them. */
    public PolicyEnforcer(PolicyFile policyFile, PolicyCounters counters, Clock clock) {
        this.policyFile = policyFile;
        this.counters = counters;
        this.clock = clock;
    }

    /** Whether {@code tool} is to be left out of {@code tools/list}. */
    public boolean isHidden(String tool) {
        return policyFile.current().hides(tool);
    }

    public PolicyStatus status() {
        return policyFile.status().withDamagedCounters(counters.damaged());
    }

    /**
     * The rules that need no arguments: hidden, default deny, the tool's {@code action}. Empty when the
     * tool may be called at all; its argument rules and limits still apply.
     */
    public Optional<PolicyDecision.Denied> checkTool(String tool) {
        return Optional.ofNullable(toolDenial(policyFile.current(), tool));
    }

    /**
     * Evaluates the whole policy for one call by {@code caller}, on its canonical arguments; an allowed call
     * holds quota until released. Per-grant limits count the caller's calls only.
     */
    public PolicyDecision admit(String tool, Map<String, ?> arguments, ArgumentIdentity identity, Principal caller) {
        Policy policy = policyFile.current();
        PolicyDecision.Denied denied = denial(policy, tool, arguments, identity);
        if (denied != null) {
            return denied;
        }
        List<Limit> limits = new ArrayList<>(policy.allToolLimits());
        policy.ruleFor(tool).ifPresent(rule -> limits.addAll(rule.limits()));
        return limits.isEmpty() ? new PolicyDecision.Allowed(Reservation.NONE) : reserve(tool, limits, caller);
    }

    /** Whether every rule but the limits lets this call through; reserves nothing (for listings). */
    public boolean allows(String tool, Map<String, ?> arguments, ArgumentIdentity identity) {
        return denial(policyFile.current(), tool, arguments, identity) == null;
    }

    private static PolicyDecision.Denied denial(
            Policy policy, String tool, Map<String, ?> arguments, ArgumentIdentity identity) {
        PolicyDecision.Denied byTool = toolDenial(policy, tool);
        if (byTool != null) {
            return byTool;
        }
        ToolRule rule = policy.ruleFor(tool).orElse(null);
        return rule == null ? null : argumentDenial(tool, rule, arguments == null ? Map.of() : arguments, identity);
    }

    private static PolicyDecision.Denied toolDenial(Policy policy, String tool) {
        if (policy.hides(tool)) {
            return denied(tool, "/hide", "the tool is hidden by the policy");
        }
        ToolRule rule = policy.ruleFor(tool).orElse(null);
        if (rule == null) {
            return policy.allowUnlisted()
                    ? null
                    : denied(tool, "/default", "the tool is not listed in the policy and the default is deny");
        }
        String actionRule = "/tools/" + PolicyParser.pointerSegment(tool) + "/action";
        return switch (rule.action()) {
            case DENY ->
                denied(tool, actionRule, rule.reason() != null ? rule.reason() : "the tool is denied by the policy");
            case REQUIRE_APPROVAL ->
                denied(
                        tool,
                        actionRule,
                        "the policy requires approval for this tool"
                                + (rule.reason() != null ? " (" + rule.reason() + ")" : "")
                                + ", and the gateway has no approval channel over stdio; an operator must allow it in the policy");
            case ALLOW -> null;
        };
    }

    private static PolicyDecision.Denied argumentDenial(
            String tool, ToolRule rule, Map<String, ?> args, ArgumentIdentity identity) {
        for (ArgumentRule require : rule.require()) {
            if (!require.holds(args, identity)) {
                return denied(
                        tool,
                        require.rule(),
                        require.reason() != null ? require.reason() : "the policy requires " + require.describe());
            }
        }
        for (ArgumentRule denyIf : rule.denyIf()) {
            if (denyIf.holds(args, identity)) {
                return denied(
                        tool,
                        denyIf.rule(),
                        denyIf.reason() != null
                                ? denyIf.reason()
                                : "the policy denies calls where " + denyIf.describe());
            }
        }
        return null;
    }

    private PolicyDecision reserve(String tool, List<Limit> limits, Principal caller) {
        Instant now = clock.instant();
        // Limits on the same counter and window share one slot; the smallest maximum governs it.
        Map<CounterSlot, Long> maxBySlot = new LinkedHashMap<>();
        for (Limit limit : limits) {
            maxBySlot.merge(limit.slotAt(now, caller), limit.max(), Math::min);
        }
        List<CounterSlot> full = counters.reserve(maxBySlot, now);
        if (full.isEmpty()) {
            return new PolicyDecision.Allowed(new Reservation(counters, List.copyOf(maxBySlot.keySet()), clock));
        }
        // Report the limit whose window frees last: retrying any earlier would still be denied.
        Limit governing = limits.stream()
                .filter(limit -> full.contains(limit.slotAt(now, caller))
                        && limit.max() == maxBySlot.get(limit.slotAt(now, caller)))
                .max(Comparator.comparingLong(limit -> limit.slotAt(now, caller).secondsUntilEnd(now)))
                .orElseThrow();
        long retryAfter = governing.slotAt(now, caller).secondsUntilEnd(now);
        return new PolicyDecision.Denied(
                tool,
                ErrorCode.RATE_LIMITED,
                governing.rule(),
                DENIED_PREFIX + tool + ": limit " + governing.max() + " per " + governing.windowName()
                        + " reached; retry in " + retryAfter + " s",
                retryAfter);
    }

    private static PolicyDecision.Denied denied(String tool, String rule, String why) {
        return new PolicyDecision.Denied(tool, ErrorCode.POLICY_DENIED, rule, DENIED_PREFIX + tool + ": " + why, null);
    }

    @Override
    public void close() {
        counters.close();
    }
}
