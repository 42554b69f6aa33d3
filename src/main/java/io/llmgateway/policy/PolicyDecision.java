package io.llmgateway.policy;

import io.llmgateway.core.ErrorCode;
import io.llmgateway.core.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What the policy says about one tool call. */
public sealed interface PolicyDecision {

    /** The call may run; it holds {@code reservation} on its counters. */
    record Allowed(Reservation reservation) implements PolicyDecision {
        public Allowed {
            Objects.requireNonNull(reservation, "reservation");
        }
    }

    /**
     * The call must not run. Report it as a tool result with {@code isError:true}, never a
     * JSON-RPC error.
     *
     * @param code              {@link ErrorCode#POLICY_DENIED} or {@link ErrorCode#RATE_LIMITED}
     * @param rule              the policy rule that denied, e.g. {@code /tools/x/limits/x_rate},
     *                          {@code /default}, {@code /hide}, {@code /tools/x/deny_if/0}
     * @param message           {@code "[POLICY DENIED] <tool>: ..."}; never contains argument values
     * @param retryAfterSeconds seconds until the window that frees quota opens; null when retrying
     *                          cannot help
     */
    record Denied(String tool, ErrorCode code, String rule, String message, Long retryAfterSeconds)
            implements PolicyDecision {
        public Denied {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(message, "message");
        }

        /** Extra structuredContent fields: {@code rule} and, when set, {@code retryAfterSeconds}. */
        public Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("rule", rule);
            // Always present: null tells an agent that waiting will not help.
            details.put("retryAfterSeconds", retryAfterSeconds);
            return details;
        }

        /** The denial as the exception the tools layer already maps to an {@code isError} result. */
        public GatewayException toException() {
            return new GatewayException(code, message, details());
        }
    }
}
