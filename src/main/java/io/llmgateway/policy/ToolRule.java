package io.llmgateway.policy;

import java.util.List;
import java.util.Objects;

/**
 * The rules for one tool: {@code tools.<name>} in the policy file. Listing a tool with {@code {}}
 * allows it under {@code default:"deny"}.
 *
 * @param require predicates that must all hold
 * @param denyIf  predicates any one of which denies the call
 * @param limits  the tool's own limits, {@code rate_limit} included
 * @param reason  text for {@code action:"deny"}/{@code "require_approval"}, or null
 */
public record ToolRule(
        ToolAction action, String reason, List<ArgumentRule> require, List<ArgumentRule> denyIf, List<Limit> limits) {

    public static final ToolRule ALLOWED = new ToolRule(ToolAction.ALLOW, null, List.of(), List.of(), List.of());

    public ToolRule {
        Objects.requireNonNull(action, "action");
        require = List.copyOf(require);
        denyIf = List.copyOf(denyIf);
        limits = List.copyOf(limits);
    }
}
