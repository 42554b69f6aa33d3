/**
 * Runs provider CLIs as child processes, headlessly and under limits.
 *
 * <p>{@link io.llmgateway.exec.ProcessRunner} takes a {@link io.llmgateway.exec.ProcessSpec} (argv, never
 * a shell; working directory; full environment; stdin text; wall and idle timeouts; output cap; kill
 * grace) and returns a
 * {@link io.llmgateway.exec.RunningProcess} whose {@link io.llmgateway.exec.ProcessOutcome} says how the
 * run ended ({@link io.llmgateway.exec.Termination}) and what it printed. Input is validated and the
 * executable resolved before anything is spawned. Whenever the gateway stops a run, and whenever a run
 * ends, every process of the run is killed, including orphans re-parented to init (see ProcessTree).
 * This package depends only on {@code io.llmgateway.core}.
 */
package io.llmgateway.exec;
