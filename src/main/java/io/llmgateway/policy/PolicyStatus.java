package io.llmgateway.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Which policy is in force, for the start-up line on stderr and diagnostics.
 *
 * @param loaded          false when there is no policy file: every tool is allowed
 * @param summary         the policy's one-line summary, or null when not loaded
 * @param rejectedEdit    why the file's latest edit was not applied (the last good policy stays
 *                        in force), or null
 * @param damagedCounters one sentence per damaged entry of the counter file (its window counts as
 *                        full until it ends), as last read by this process
 */
public record PolicyStatus(
        Path path, boolean loaded, String summary, String rejectedEdit, List<String> damagedCounters) {

    public PolicyStatus {
        Objects.requireNonNull(path, "path");
        damagedCounters = List.copyOf(damagedCounters);
    }

    PolicyStatus withDamagedCounters(List<String> damaged) {
        return new PolicyStatus(path, loaded, summary, rejectedEdit, damaged);
    }

    /** One line, e.g. "policy /home/u/.llm-cli-gateway/policy.json: default deny, 21 tools listed, ...". */
    public String describe() {
        if (rejectedEdit == null) {
            return loaded
                    ? "policy " + path + ": " + summary
                    : "policy: no file at " + path + "; all tools are allowed";
        }
        String inForce = loaded ? "previous version still in force: " + summary : "all tools are allowed";
        return "policy " + path + ": latest edit rejected (" + rejectedEdit + "); " + inForce;
    }
}
