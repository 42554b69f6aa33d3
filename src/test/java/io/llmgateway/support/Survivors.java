package io.llmgateway.support;

import java.util.List;

/** Child processes of the test JVM that outlive what started them. */
public final class Survivors {
    private Survivors() {
    }

    /**
     * The test JVM's live descendants ("pid command line") after giving them up to 10 s to exit:
     * job supervisors write their exit file just before they exit.
     */
    public static List<String> afterGracePeriod() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    }
}
