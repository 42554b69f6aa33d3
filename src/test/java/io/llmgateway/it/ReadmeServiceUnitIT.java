package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.HttpGatewayProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's systemd unit, as far as a machine without a running systemd allows: {@code systemd-analyze verify}
 * accepts it without a warning (where it is installed), and its {@code ExecStart} with its {@code Environment} serves, answers
 * {@code /healthz}, and exits 0 on the {@code KillSignal} within {@code TimeoutStopSec}.
 */
class ReadmeServiceUnitIT {
    private static final String UNIT_MARKER = "# /etc/systemd/system/llm-cli-gateway.service";

    @TempDir
    Path dir;

    @Test
    void theReadmeUnitVerifiesAndItsCommandServesAndStopsCleanly() throws Exception {
        List<String> unit = readmeUnit();
        Path unitFile = dir.resolve("llm-cli-gateway.service");
        Files.write(unitFile, unit);
        verifyWithSystemd(unitFile);

        List<String> execStart = List.of(value(unit, "ExecStart").split(" "));
        assertEquals("/opt/llm-cli-gateway/llm-cli-gateway.jar", execStart.get(execStart.indexOf("-jar") + 1));
        List<String> command = new ArrayList<>(execStart);
        command.set(0, GatewayProcess.javaExecutable());
        command.set(command.indexOf("-jar") + 1, GatewayProcess.jar().toString());

        Map<String, String> environment = new HashMap<>();
        for (String line : unit) {
            if (line.startsWith("Environment=")) {
                String assignment = line.substring("Environment=".length());
                int equals = assignment.indexOf('=');
                environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        assertEquals("127.0.0.1", environment.get("LLM_GATEWAY_HTTP_HOST"), "the example stays on loopback");
        environment.put("LLM_GATEWAY_HOME", dir.resolve("home").toString());
        environment.put("LLM_GATEWAY_HTTP_PORT", "0"); // 3333 may be taken on a shared machine
        environment.put("PATH", System.getenv("PATH"));

        assertEquals("SIGTERM", value(unit, "KillSignal"));
        long stopSeconds = Long.parseLong(value(unit, "TimeoutStopSec"));
        try (HttpGatewayProcess gateway = HttpGatewayProcess.start(command, environment)) {
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            gateway.url.resolve("/healthz").toString()))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"ok\":true"), health.body());

            gateway.process.destroy(); // SIGTERM, as systemctl stop sends it
            assertTrue(gateway.process.waitFor(stopSeconds, TimeUnit.SECONDS), "stopped within TimeoutStopSec");
            assertEquals(0, gateway.process.exitValue(), gateway.stderr());
        }
    }

    private static List<String> readmeUnit() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf(UNIT_MARKER);
        assertTrue(start >= 0, "the README shows the unit under " + UNIT_MARKER);
        List<String> unit = new ArrayList<>();
        for (String line : readme.subList(start + 1, readme.size())) {
            if (line.startsWith("```")) {
                return unit;
            }
            unit.add(line);
        }
        throw new AssertionError("the unit's code block is not closed");
    }

    private static String value(List<String> unit, String key) {
        return unit.stream()
                .filter(line -> line.startsWith(key + "="))
                .map(line -> line.substring(key.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the unit sets no " + key));
    }

    /** systemd's own check; any message (an unknown key, a bad value, "ignoring") fails the test. */
    private void verifyWithSystemd(Path unitFile) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze)) {
            System.err.println("systemd-analyze is not installed: the unit's syntax is not checked here");
            return;
        }
        Path output = dir.resolve("verify.log");
        Process verify = new ProcessBuilder(analyze.toString(), "verify", unitFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        verify.getOutputStream().close();
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify finished");
        String messages = Files.readString(output);
        assertEquals(0, verify.exitValue(), messages);
        assertEquals("", messages.strip(), "systemd-analyze verify has no complaint");
    }
}
