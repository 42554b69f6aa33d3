package io.llmgateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The launch a host gets maps a dynamic CDS archive on JDK 17-24 and an AOT cache on JDK 25+. */
class GatewayLaunchTest {
    private static final Path JAVA = Path.of("/opt/java/bin/java");
    private static final Path JAR = Path.of("/opt/gw/llm-cli-gateway.jar");

    @Test
    void anAotCacheIsMappedWithAotCacheAndRequiredWithAotModeOn() {
        GatewayLaunch launch = new GatewayLaunch(JAVA, JAR, Optional.of(Path.of("/d/gateway-1.aot")));
        assertEquals("-XX:AOTCache=/d/gateway-1.aot", launch.arguments().get(0));
        assertFalse(launch.arguments().contains("-Xshare:auto"), "an AOT cache is not a CDS archive file");
        assertEquals(Optional.of("-XX:AOTCache=/d/gateway-1.aot"), launch.archiveFlag());
        assertEquals(
                List.of(JAVA.toString(), "-XX:AOTMode=on", "-XX:AOTCache=/d/gateway-1.aot"),
                launch.commandRequiringArchive().subList(0, 3));
        assertEquals(
                "-XX:AOTCacheOutput=/d/x.tmp",
                launch.trainingArguments(Path.of("/d/x.tmp"), true).get(0));
    }

    @Test
    void aCdsArchiveIsMappedWithSharedArchiveFileAndRequiredWithXshareOn() {
        GatewayLaunch launch = new GatewayLaunch(JAVA, JAR, Optional.of(Path.of("/d/gateway-1.jsa")));
        assertEquals(
                List.of("-XX:SharedArchiveFile=/d/gateway-1.jsa", "-Xshare:auto"),
                launch.arguments().subList(0, 2));
        assertEquals(
                List.of(JAVA.toString(), "-XX:SharedArchiveFile=/d/gateway-1.jsa", "-Xshare:on"),
                launch.commandRequiringArchive().subList(0, 3));
        assertEquals(
                "-XX:ArchiveClassesAtExit=/d/x.tmp",
                launch.trainingArguments(Path.of("/d/x.tmp"), false).get(0));
        assertEquals(
                List.of("-jar", JAR.toString()),
                new GatewayLaunch(JAVA, JAR, Optional.empty())
                        .arguments()
                        .subList(GatewayLaunch.FAST_START_FLAGS.size(), GatewayLaunch.FAST_START_FLAGS.size() + 2));
    }
}
