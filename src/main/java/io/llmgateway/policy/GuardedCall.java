package io.llmgateway.policy;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One call as {@link PolicyGuard} admits it, in steps: after the tool-level rules, {@link #canonicalise()}
 * validates the arguments and builds the canonical request; the argument rules and limits judge that,
 * and {@link #run()} then runs exactly what was judged.
 */
public interface GuardedCall<R> {

    /**
     * Validates and normalises the arguments.
     *
     * @throws io.llmgateway.core.GatewayException for arguments the tool refuses (e.g. invalid_argument): the
     *                                             call is reported as that error and costs no quota; any other
     *                                             exception is a protocol-level failure and propagates
     */
    Canonical canonicalise();

    /** Runs the call as {@link #canonicalise()} built it. */
    R run();

    /**
     * @param arguments what the argument rules judge and the call runs with
     * @param identity  how {@code eq}/{@code in} rules match these arguments (e.g. model aliases)
     */
    record Canonical(Map<String, ?> arguments, ArgumentIdentity identity) {
        public Canonical {
            Objects.requireNonNull(arguments, "arguments");
            Objects.requireNonNull(identity, "identity");
        }
    }

    /** A call whose arguments are already canonical (e.g. built by the gateway itself). */
    static <R> GuardedCall<R> ofCanonical(Map<String, ?> arguments, Supplier<R> invocation) {
        Canonical canonical = new Canonical(arguments, ArgumentIdentity.AS_IS);
        return new GuardedCall<>() {
            @Override
            public Canonical canonicalise() {
                return canonical;
            }

            @Override
            public R run() {
                return invocation.get();
            }
        };
    }
}
