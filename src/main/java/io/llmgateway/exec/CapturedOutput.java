package io.llmgateway.exec;

import java.time.Duration;

/** Output captured in memory from the child's pipes, each stream bounded by the cap (see {@link OutputDrain}). */
final class CapturedOutput implements RunOutput {
    private final OutputDrain stdout;
    private final OutputDrain stderr;

    /** Starts reading both streams, each on a daemon thread; {@code onOverflow} runs when one passes the cap. */
    CapturedOutput(Process process, long cap, long startNanos, Runnable onOverflow) {
        this.stdout = new OutputDrain(process.getInputStream(), OutputStreamKind.STDOUT, cap, startNanos, onOverflow);
        this.stderr = new OutputDrain(process.getErrorStream(), OutputStreamKind.STDERR, cap, startNanos, onOverflow);
        RunningProcess.daemon(process.pid(), "stdout", stdout).start();
        RunningProcess.daemon(process.pid(), "stderr", stderr).start();
    }

    @Override
    public boolean needsPolling() {
        return false;
    }

    @Override
    public void look(long nowNanos) {
        // The drains note output as it arrives.
    }

    @Override
    public boolean overCap() {
        return false; // a drain past the cap asks for the stop itself
    }

    @Override
    public long lastOutputNanos() {
        long out = stdout.lastOutputNanos();
        long err = stderr.lastOutputNanos();
        return out - err > 0 ? out : err;
    }

    @Override
    public boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            return stdout.awaitFinished(timeout)
                    && stderr.awaitFinished(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public Collected collect() {
        return new Collected(stdout.text(), stderr.text(), stdout.truncated(), stderr.truncated());
    }
}
