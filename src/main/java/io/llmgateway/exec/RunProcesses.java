package io.llmgateway.exec;

import java.util.Objects;
import java.util.Set;

/**
 * The processes of one run, as a {@link StopStrategy} finds them: the process that was started, and every
 * process carrying the run's marker variable {@code LLM_GATEWAY_RUN_<runId>=1} (inherited by all descendants,
 * also those re-parented to init). A run captured through pipes is also known by them: a descendant that dropped
 * the marker but still holds the run's output is one of its processes.
 */
public final class RunProcesses {
    private final ProcessHandle root;
    private final String runId;
    private final Set<String> stdioPipes;

    RunProcesses(ProcessHandle root, String runId, Set<String> stdioPipes) {
        this.root = Objects.requireNonNull(root, "root");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.stdioPipes = Set.copyOf(stdioPipes);
    }

    /** The processes of a run started elsewhere (another gateway, a job's supervisor), by its root and run id. */
    public static RunProcesses of(ProcessHandle root, String runId) {
        return new RunProcesses(root, runId, Set.of());
    }

    public ProcessHandle root() {
        return root;
    }

    public String runId() {
        return runId;
    }

    /** The pipes connecting the root's stdout and stderr to this JVM ({@code pipe:[inode]}); empty for files. */
    Set<String> stdioPipes() {
        return stdioPipes;
    }
}
