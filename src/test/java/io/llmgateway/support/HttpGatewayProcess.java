package io.llmgateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.core.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The shaded jar serving Streamable HTTP ({@code java -jar llm-cli-gateway.jar --transport=http}) on a free
 * loopback port, with exactly the given environment; its URL is read from the line it prints on stderr.
 */
public final class HttpGatewayProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving MCP over HTTP at (http://\\S+)");

    public final Process process;
    public final URI url;
    public final Path stderrFile;

    private HttpGatewayProcess(Process process, URI url, Path stderrFile) {
        this.process = process;
        this.url = url;
        this.stderrFile = stderrFile;
    }

    /** Starts the server and waits (at most 60 s) until it serves. */
    public static HttpGatewayProcess start(Map<String, String> environment) throws IOException {
        Map<String, String> withPort = new HashMap<>(environment);
        withPort.putIfAbsent("LLM_GATEWAY_HTTP_PORT", "0");
        return start(command("--transport=http"), withPort);
    }

    /** Starts {@code command} (a gateway serving HTTP) with exactly {@code environment}; waits until it serves. */
    public static HttpGatewayProcess start(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Path stderr = Files.createTempFile("gateway-http-stderr", ".log");
        builder.redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        try {
            String serving = Awaitility.await("the gateway serving HTTP")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> servingUrl(process, stderr), Optional::isPresent)
                    .orElseThrow();
            return new HttpGatewayProcess(process, URI.create(serving), stderr);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "the gateway did not start serving: " + GatewayProcess.readQuietly(stderr), e);
        }
    }

    private static Optional<String> servingUrl(Process process, Path stderr) throws IOException {
        Matcher serving = SERVING.matcher(Files.readString(stderr));
        if (serving.find()) {
            return Optional.of(serving.group(1));
        }
        if (!process.isAlive()) {
            throw new IllegalStateException(
                    "the gateway exited " + process.exitValue() + ": " + Files.readString(stderr));
        }
        return Optional.empty();
    }

    /** {@code grant add NAME --json} run with the jar on {@code environment}'s data directory; the token. */
    public static String addGrant(Map<String, String> environment, String name)
            throws IOException, InterruptedException {
        JsonNode added = Json.newMapper().readTree(runCommand(environment, "grant", "add", name, "--json"));
        return added.get("token").asText();
    }

    /** An offline command of the jar; its stdout, or an exception with stderr when it fails. */
    public static String runCommand(Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Path stderr = Files.createTempFile("gateway-command", ".log");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", args) + " failed: " + Files.readString(stderr));
        }
        Files.deleteIfExists(stderr);
        return out;
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                GatewayProcess.javaExecutable(), "-jar", GatewayProcess.jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    public String stderr() {
        return GatewayProcess.readQuietly(stderrFile);
    }

    @Override
    public void close() {
        GatewayProcess.kill(process, stderrFile);
    }
}
