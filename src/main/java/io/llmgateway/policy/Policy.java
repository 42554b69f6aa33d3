package io.llmgateway.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed, validated policy (PolicyLayer JSON, version "1").
 *
 * @param allowUnlisted  {@code default:"allow"}: tools not under {@code tools} are allowed
 * @param hiddenTools    tool names under {@code hide}; hidden tools are unlisted and denied
 * @param hideUnlisted   {@code hide} contains {@code "*"}: every tool not under {@code tools} is hidden
 * @param allToolLimits  {@code all_tools} limits, charged to every call
 * @param tools          rules by exact tool name
 */
public record Policy(
        boolean allowUnlisted,
        Set<String> hiddenTools,
        boolean hideUnlisted,
        List<Limit> allToolLimits,
        Map<String, ToolRule> tools) {

    /** What applies when there is no policy file: every tool allowed, nothing counted. */
    public static final Policy ALLOW_ALL = new Policy(true, Set.of(), false, List.of(), Map.of());

    public Policy {
        hiddenTools = Set.copyOf(hiddenTools);
        allToolLimits = List.copyOf(allToolLimits);
        tools = Map.copyOf(tools);
    }

    public boolean hides(String tool) {
        return hiddenTools.contains(tool) || (hideUnlisted && !tools.containsKey(tool));
    }

    public Optional<ToolRule> ruleFor(String tool) {
        return Optional.ofNullable(tools.get(tool));
    }

    /**
     * One line for start-up logs and {@code --check-policy}, e.g.
     * "default deny, 21 tools listed, 2 hidden, 17 limits, 0 argument rules".
     */
    public String summary() {
        long limits = allToolLimits.size()
                + tools.values().stream().mapToLong(r -> r.limits().size()).sum();
        long argumentRules = tools.values().stream()
                .mapToLong(r -> r.require().size() + r.denyIf().size())
                .sum();
        String hidden = hideUnlisted ? "every unlisted tool hidden" : hiddenTools.size() + " hidden";
        if (hideUnlisted && !hiddenTools.isEmpty()) {
            hidden += " plus " + hiddenTools.size();
        }
        return "default " + (allowUnlisted ? "allow" : "deny") + ", " + tools.size() + " tools listed, " + hidden + ", "
                + limits + " limits, " + argumentRules + " argument rules";
    }
}
