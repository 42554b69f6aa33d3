package io.llmgateway.exec;

/** Why a run ended. Only {@link #EXITED} means the process ended by itself. */
public enum Termination {
    EXITED(null),
    /** The wall-clock timeout elapsed and the gateway killed the process tree. */
    TIMEOUT(124),
    /** Neither stdout nor stderr produced output for the idle timeout; the gateway killed the tree. */
    IDLE_TIMEOUT(125),
    /** A stream exceeded its byte cap; the gateway stopped the run and kept what fit. */
    OUTPUT_TOO_LARGE(126),
    /** The caller cancelled the run and the gateway killed the tree. */
    CANCELLED(null);

    private final Integer gatewayExitCode;

    Termination(Integer gatewayExitCode) {
        this.gatewayExitCode = gatewayExitCode;
    }

    /**
     * The exit code the gateway reports for this ending when it stopped the process itself (124, 125,
     * 126, as the timeout(1) convention), or null when there is none. These codes are assigned by the
     * gateway, never by the CLI.
     */
    public Integer gatewayExitCode() {
        return gatewayExitCode;
    }
}
