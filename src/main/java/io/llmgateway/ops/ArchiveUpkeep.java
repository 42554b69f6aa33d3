package io.llmgateway.ops;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the start-up archive current without anyone running setup again: a gateway that was launched
 * with the setup flags checks, a little after start-up, whether the archive it was pointed at is stale
 * (the jar or Java changed) or missing, and if so trains a new one in the background for the next
 * start. A gateway launched without the archive flag does nothing.
 */
public final class ArchiveUpkeep {
    /** Long enough that the check never competes with answering the host's first requests. */
    public static final Duration DELAY = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(ArchiveUpkeep.class);

    private ArchiveUpkeep() {}

    public static void schedule(Path dataDir, Clock clock) {
        Thread thread = new Thread(
                () -> {
                    try {
                        Thread.sleep(DELAY.toMillis());
                        refreshIfLaunchedWithIt(dataDir, clock);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "startup-archive-upkeep");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static void refreshIfLaunchedWithIt(Path dataDir, Clock clock) {
        Optional<Path> jar = GatewayLaunch.runningJar();
        if (jar.isEmpty()) {
            return;
        }
        StartupArchive archive = new StartupArchive(dataDir, GatewayLaunch.currentJava(), jar.get(), clock);
        String flag = archive.launch().archiveFlag().orElseThrow();
        if (!ManagementFactory.getRuntimeMXBean().getInputArguments().contains(flag)) {
            return;
        }
        StartupArchive.ArchiveStatus status = archive.status();
        if (status.fresh()) {
            return;
        }
        log.info("start-up archive {} is {}; making a new one in the background", archive.file(), status.detail());
        try {
            archive.refreshUnlessBusy()
                    .ifPresentOrElse(
                            done -> log.info("start-up archive ready: {}", done.detail()),
                            () -> log.info("another process is already making the start-up archive"));
        } catch (IOException e) {
            log.warn(
                    "could not make the start-up archive ({}); run `java -jar {} setup` to see why",
                    e.getMessage(),
                    jar.get());
        }
    }
}
