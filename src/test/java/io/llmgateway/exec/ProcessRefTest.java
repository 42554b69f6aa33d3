package io.llmgateway.exec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Liveness by pid, start time and machine view. */
class ProcessRefTest {
    @Test
    void thisProcessIsAliveUnderItsOwnStartTimeOnly() {
        ProcessRef self = ProcessRef.current();
        assertTrue(self.isAlive());
        assertFalse(new ProcessRef(self.pid(), self.startMillis() - 60_000, self.machine()).isAlive(), "a reused pid");
    }

    @Test
    void aProcessOfAnotherBootIsGoneAndOneOfAnotherPidNamespaceCannotBeJudgedFromHere() {
        ProcessRef self = ProcessRef.current();
        String boot = ProcessRef.THIS_MACHINE.substring(0, Math.max(0, ProcessRef.THIS_MACHINE.indexOf('/')));
        assertFalse(new ProcessRef(self.pid(), self.startMillis(), "another-boot/pid:[1]").isAlive());
        ProcessRef elsewhere = new ProcessRef(self.pid(), self.startMillis(), boot + "/pid:[1]");
        if (!elsewhere.isLocal()) {
            assertTrue(elsewhere.isAlive(), "never orphan what cannot be seen");
            assertTrue(elsewhere.handle().isEmpty(), "never signal a pid of another namespace");
        }
    }
}
