package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.llmgateway.support.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stray or damaged entries in jobs/ are each warned about once, however often the directory is listed (every
 * watch pass and every llm_job_list), and again only when they change.
 */
class StrayJobEntriesIT {
    @TempDir
    Path dataDir;

    @Test
    void eachBadEntryIsWarnedAboutOnceUntilItChanges() throws Exception {
        Path jobs = dataDir.resolve("jobs");
        Files.createDirectories(jobs);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "job-" + UUID.randomUUID();
            Files.createDirectory(jobs.resolve(id));
            Files.writeString(jobs.resolve(id).resolve("job.json"), "not a record " + i);
            bad.add(id);
        }
        String strayFile = "job-" + UUID.randomUUID();
        Files.writeString(jobs.resolve(strayFile), "a file where a job directory belongs");
        bad.add(strayFile);
        String changed = bad.get(0);

        try (GatewayProcess gw = GatewayProcess.start(dataDir, Map.of("LLM_GATEWAY_JOB_WATCH_MS", "20"))) {
            gw.client.initialize();
            for (int i = 0; i < 5; i++) {
                assertFalse(gw.client
                        .callTool("llm_job_list", Map.of())
                        .path("isError")
                        .asBoolean(false));
            }
            for (String id : bad) {
                assertEquals(1L, count(gw.stderr(), id), id + " is warned about once:\n" + gw.stderr());
            }
            Files.writeString(jobs.resolve(changed).resolve("job.json"), "another damaged record, of another size");
            for (int i = 0; i < 5; i++) {
                gw.client.callTool("llm_job_list", Map.of());
            }
            assertEquals(2L, count(gw.stderr(), changed), "an entry that changed is warned about again");
            assertEquals(1L, count(gw.stderr(), bad.get(1)));
        }
    }

    /** Log lines naming {@code id}. */
    private static long count(String log, String id) {
        return log.lines().filter(line -> line.contains(id)).count();
    }
}
