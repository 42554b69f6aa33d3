package io.llmgateway.policy;

import io.llmgateway.core.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a tool call may run. Order: hidden, then default deny for unlisted tools, then the
 * tool's action and argument rules ({@code require}, then {@code deny_if}), then limits. Limits
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

    /** Evaluates the policy for one call; an allowed call holds quota until released. */
    public PolicyDecision admit(String tool, Map<String, ?> arguments) {
        Policy policy = policyFile.current();
        Map<String, ?> args = arguments == null ? Map.of() : arguments;
        if (policy.hides(tool)) {
            return denied(tool, "/hide", "the tool is hidden by the policy");
        }
        ToolRule rule = policy.ruleFor(tool).orElse(null);
        if (rule == null && !policy.allowUnlisted()) {
            return denied(tool, "/default", "the tool is not listed in the policy and the default is deny");
        }
        if (rule != null) {
            PolicyDecision.Denied byRule = checkRule(tool, rule, args);
            if (byRule != null) {
                return byRule;
            }
        }
        List<Limit> limits = new ArrayList<>(policy.allToolLimits());
        if (rule != null) {
            limits.addAll(rule.limits());
        }
        return limits.isEmpty() ? new PolicyDecision.Allowed(Reservation.NONE) : reserve(tool, limits);
    }

    private PolicyDecision.Denied checkRule(String tool, ToolRule rule, Map<String, ?> args) {
        String actionRule = "/tools/" + PolicyParser.pointerSegment(tool) + "/action";
        switch (rule.action()) {
            case DENY -> {
                return denied(tool, actionRule,
                        rule.reason() != null ? rule.reason() : "the tool is denied by the policy");
            }
            case REQUIRE_APPROVAL -> {
                String why = rule.reason() != null ? " (" + rule.reason() + ")" : "";
                return denied(tool, actionRule, "the policy requires approval for this tool" + why
                        + ", and the gateway has no approval channel over stdio;"
                        + " an operator must allow it in the policy");
            }
            case ALLOW -> {
            }
        }
        for (ArgumentRule require : rule.require()) {
            if (!require.holds(args)) {
                return denied(tool, require.rule(),
                        require.reason() != null ? require.reason() : "the policy requires " + require.describe());
            }
        }
        for (ArgumentRule denyIf : rule.denyIf()) {
            if (denyIf.holds(args)) {
                return denied(tool, denyIf.rule(), denyIf.reason() != null
                        ? denyIf.reason() : "the policy denies calls where " + denyIf.describe());
            }
        }
        return null;
    }

    private PolicyDecision reserve(String tool, List<Limit> limits) {
        Instant now = clock.instant();
        // Limits on the same counter and window share one slot; the smallest maximum governs it.
        Map<CounterSlot, Long> maxBySlot = new LinkedHashMap<>();
        for (Limit limit : limits) {
            maxBySlot.merge(limit.slotAt(now), limit.max(), Math::min);
        }
        List<CounterSlot> full = counters.reserve(maxBySlot, now);
        if (full.isEmpty()) {
            return new PolicyDecision.Allowed(new Reservation(counters, List.copyOf(maxBySlot.keySet()), clock));
        }
        // Report the limit whose window frees last: retrying any earlier would still be denied.
        Limit governing = limits.stream()
                .filter(limit -> full.contains(limit.slotAt(now)) && limit.max() == maxBySlot.get(limit.slotAt(now)))
                .max(Comparator.comparingLong(limit -> limit.slotAt(now).secondsUntilEnd(now)))
                .orElseThrow();
        long retryAfter = governing.slotAt(now).secondsUntilEnd(now);
        return new PolicyDecision.Denied(tool, ErrorCode.RATE_LIMITED, governing.rule(),
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
