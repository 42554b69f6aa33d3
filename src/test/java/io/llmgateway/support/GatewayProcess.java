package io.llmgateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Spawns the shaded jar the way an agent host does: {@code java -jar llm-cli-gateway.jar}. */
public final class GatewayProcess implements AutoCloseable {
    public final Process process;
    public final StdioClient client;
    public final Path stderrFile;

    private GatewayProcess(Process process, Path stderrFile) {
        this.process = process;
        this.stderrFile = stderrFile;
        this.client = new StdioClient(process.getOutputStream(), process.getInputStream());
    }

    public static Path jar() {
        String configured = System.getProperty("gateway.jar");
        Path jar = Path.of(configured != null ? configured : "target/llm-cli-gateway.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("shaded jar missing at " + jar + ": run `mvn verify`, not only `mvn test`");
        }
        return jar.toAbsolutePath();
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static GatewayProcess start(Path dataDir, Map<String, String> extraEnv, String... args) throws IOException {
        return start(dataDir, extraEnv, List.of(), args);
    }

    /** Launches with extra JVM flags before {@code -jar} (e.g. the flags README recommends). */
    public static GatewayProcess start(
            Path dataDir, Map<String, String> extraEnv, List<String> jvmFlags, String... args) throws IOException {
        ProcessBuilder pb = builder(jvmFlags, args);
        pb.environment().put("LLM_GATEWAY_HOME", dataDir.toString());
        pb.environment().putAll(extraEnv);
        return launch(pb);
    }

    /**
     * Launches with exactly {@code environment}, nothing inherited from the test JVM: the real-CLI tests
     * hand the gateway a CLI's offline environment, which a developer's own API keys must not leak into.
     */
    public static GatewayProcess startIsolated(Map<String, String> environment, String... args) throws IOException {
        ProcessBuilder pb = builder(List.of(), args);
        pb.environment().clear();
        pb.environment().putAll(environment);
        return launch(pb);
    }

    private static ProcessBuilder builder(List<String> jvmFlags, String... args) {
        List<String> command = new ArrayList<>(List.of(javaExecutable()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static GatewayProcess launch(ProcessBuilder pb) throws IOException {
        Path stderr = Files.createTempFile("gateway-stderr", ".log");
        pb.redirectError(stderr.toFile());
        return new GatewayProcess(pb.start(), stderr);
    }

    public String stderr() {
        return readQuietly(stderrFile);
    }

    /** A log file's content; empty when it cannot be read. */
    static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        client.closeInput();
        kill(process, stderrFile);
    }

    /** Kills the process and its descendants, waits for it, and removes its stderr file. */
    static void kill(Process process, Path stderrFile) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
            Files.deleteIfExists(stderrFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // temp file cleanup is best effort
        }
    }
}
