package io.llmgateway.tools;

import io.llmgateway.core.Principal;
import io.llmgateway.policy.ArgumentIdentity;
import java.util.Map;

/**
 * Turns a tool's arguments (already valid against its schema) into the canonical request: what the
 * policy's argument rules judge and exactly what the handler runs (see docs/POLICY.md, "What the rules
 * see"). Checks every value here, so that a call refused for its arguments never costs quota. The caller
 * matters where a value names something of its own (a provider request's session).
 */
@FunctionalInterface
public interface ArgumentNormaliser {
    /** Arguments that are canonical as sent. */
    ArgumentNormaliser AS_SENT = (sent, caller) -> sent.asMap();

    /** @throws io.llmgateway.core.GatewayException for values the tool refuses (e.g. invalid_argument) */
    Map<String, Object> canonical(Arguments sent, Principal caller);

    /** How the policy's {@code eq}/{@code in} rules match the canonical values (e.g. model aliases). */
    default ArgumentIdentity identity() {
        return ArgumentIdentity.AS_IS;
    }

    /** A normaliser whose canonical values match rules by {@code identity}. */
    static ArgumentNormaliser of(ArgumentNormaliser canonical, ArgumentIdentity identity) {
        return new ArgumentNormaliser() {
            @Override
            public Map<String, Object> canonical(Arguments sent, Principal caller) {
                return canonical.canonical(sent, caller);
            }

            @Override
            public ArgumentIdentity identity() {
                return identity;
            }
        };
    }
}
