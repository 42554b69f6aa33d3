/**
 * What runs in a job's supervisor process (its own small JVM, see {@link io.llmgateway.job.supervisor.JobSupervisorMain})
 * and the job files it shares with the gateways. It uses the JDK, slf4j, {@code exec} and {@code files} only: the
 * supervisor loads no Jackson and no MCP, to start fast.
 */
package io.llmgateway.job.supervisor;
