package io.llmgateway.support;

import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Child processes of the test JVM that outlive what started them. */
public final class Survivors {
    private Survivors() {}

    /**
     * The test JVM's live descendants ("pid command line") after giving them up to 10 s to exit:
     * job supervisors write their exit file just before they exit.
     */
    public static List<String> afterGracePeriod() {
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
        } catch (ConditionTimeoutException e) {
            // the caller reports who is left
        }
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
    }
}
