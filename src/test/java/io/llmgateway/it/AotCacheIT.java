package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.StdioClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On JDK 25+ setup makes an AOT cache instead of a CDS archive, and the entry it prints maps it: the JVM starts
 * with the cache required ({@code -XX:AOTMode=on} refuses an unusable one) and answers initialize. Skipped
 * without a JDK 25+ ({@code LLM_GATEWAY_TEST_JDK25}, or one under /usr/lib/jvm).
 */
class AotCacheIT {
    private static final Pattern RELEASE_VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

    @TempDir
    Path home;

    @Test
    void setupOnJdk25MakesAnAotCacheThatTheEntryMaps() throws Exception {
        Optional<Path> jdk = jdk25();
        assumeTrue(jdk.isPresent(), "no JDK 25+ found: set LLM_GATEWAY_TEST_JDK25 to its bin/java");
        Path dataDir = home.resolve("data");
        ProcessBuilder setup = new ProcessBuilder(
                        jdk.get().toString(),
                        "-jar",
                        GatewayProcess.jar().toString(),
                        "setup",
                        "--print",
                        "--client",
                        "cursor")
                .redirectError(home.resolve("setup.err").toFile());
        setup.environment().put("LLM_GATEWAY_HOME", dataDir.toString());
        Process print = setup.start();
        print.getOutputStream().close();
        String printed = new String(print.getInputStream().readAllBytes());
        assertTrue(print.waitFor(180, TimeUnit.SECONDS), "setup --print finished");
        assertEquals(0, print.exitValue(), Files.readString(home.resolve("setup.err")));

        JsonNode entry = Json.newMapper().readTree(printed);
        String flag = entry.get("args").get(0).asText();
        assertTrue(flag.startsWith("-XX:AOTCache=") && flag.endsWith(".aot"), printed);
        assertTrue(Files.size(Path.of(flag.substring("-XX:AOTCache=".length()))) > 0, "the cache it names exists");
        assertTrue(!entry.get("args").toString().contains("SharedArchiveFile"), printed);

        List<String> command = new ArrayList<>(List.of(entry.get("command").asText(), "-XX:AOTMode=on"));
        entry.get("args").forEach(arg -> command.add(arg.asText()));
        ProcessBuilder launch = new ProcessBuilder(command)
                .redirectError(home.resolve("gateway.err").toFile());
        entry.get("env")
                .fields()
                .forEachRemaining(
                        e -> launch.environment().put(e.getKey(), e.getValue().asText()));
        Process gateway = launch.start();
        try (StdioClient client = new StdioClient(gateway.getOutputStream(), gateway.getInputStream())) {
            assertEquals(
                    "llm-cli-gateway",
                    client.initialize()
                            .get("result")
                            .get("serverInfo")
                            .get("name")
                            .asText(),
                    Files.readString(home.resolve("gateway.err")));
            assertTrue(client.callTool("session_create", Map.of("cli", "claude"))
                    .get("structuredContent")
                    .get("session")
                    .get("id")
                    .asText()
                    .startsWith("gw-"));
        } finally {
            gateway.destroyForcibly().waitFor();
        }
    }

    private static Optional<Path> jdk25() throws IOException {
        String configured = System.getenv("LLM_GATEWAY_TEST_JDK25");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && feature(h) >= 25)
                    .findFirst()
                    .map(h -> h.resolve("bin/java"));
        }
    }

    private static int feature(Path javaHome) {
        try {
            Matcher version = RELEASE_VERSION.matcher(Files.readString(javaHome.resolve("release")));
            return version.find() ? Integer.parseInt(version.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
