/**
 * The one way the gateway runs a process: {@link io.llmgateway.exec.ProcessExecutor}, a small fluent API in the
 * spirit of zt-exec's {@code ProcessExecutor -> ProcessResult}.
 *
 * <p>A run gets an argv (never a shell), its whole environment from the caller (nothing is inherited from this
 * JVM), a working directory, stdin ({@link io.llmgateway.exec.Stdin}: closed, text, or a file), output
 * ({@link io.llmgateway.exec.Output}: captured in bounded memory, or appended to files the kernel writes), its
 * {@link io.llmgateway.exec.RunLimits} (wall and idle timeouts, output cap, kill grace) and optionally a session
 * of its own. Input is checked and the executable resolved on the child's PATH before anything is spawned. A
 * {@link io.llmgateway.exec.RunningProcess} watches it (one wait loop for every run, also one adopted from
 * another process) and ends in a {@link io.llmgateway.exec.ProcessOutcome} saying how it ended
 * ({@link io.llmgateway.exec.Termination}) and what it printed. Whenever a run is stopped, and whenever it ends,
 * every process of the run is stopped with its {@link io.llmgateway.exec.StopStrategy} (the whole tree, orphans
 * re-parented to init included). {@link io.llmgateway.exec.ProcessRef} names a process by pid and start time.
 * This package depends only on {@code core} and {@code files}.
 */
package io.llmgateway.exec;
