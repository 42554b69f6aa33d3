package io.llmgateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real original TypeScript gateway (2.11.1 or 3.1.0-rc.8), built from the source archives in
 * {@code ../shared/anchors} by its {@code build-original.sh} and spawned over stdio the way a host spawns it,
 * for tests that say "what it wrote, we read" or "what it accepts, we accept". It keeps its data in
 * {@code $HOME/.llm-cli-gateway}, so every start gets the HOME the test names, and it finds provider CLIs by name
 * on {@code PATH}.
 */
public final class OriginalGateway implements AutoCloseable {
    public static final String V2_11_1 = "2.11.1";
    public static final String HEAD = "3.1.0-rc.8";

    public final Process process;
    public final StdioClient client;
    private final Path stderrFile;

    private OriginalGateway(Process process, Path stderrFile) {
        this.process = process;
        this.stderrFile = stderrFile;
        this.client = new StdioClient(process.getOutputStream(), process.getInputStream());
    }

    /**
     * The anchors directory: {@code -Doriginal.anchors}, {@code LLM_GATEWAY_ORIGINAL_ANCHORS}, {@code
     * ../shared/anchors} beside the project, or {@code /work/shared/anchors}; empty when none holds the build
     * script, so a test can skip with the reason.
     */
    public static Optional<Path> anchors() {
        List<String> candidates = new ArrayList<>();
        candidates.add(System.getProperty("original.anchors"));
        candidates.add(System.getenv("LLM_GATEWAY_ORIGINAL_ANCHORS"));
        candidates.add("../shared/anchors");
        candidates.add("/work/shared/anchors");
        return candidates.stream()
                .filter(c -> c != null && !c.isBlank())
                .map(c -> Path.of(c).toAbsolutePath().normalize())
                .filter(p -> Files.isExecutable(p.resolve("build-original.sh")))
                .findFirst();
    }

    /**
     * {@code <node> <dist/index.js>} for {@code version}, built once and cached by the script in
     * {@code ~/.cache/llm-cli-gateway/original}; empty, with the reason on stderr, when the anchors are absent or
     * the build fails (it needs the npm registry the first time).
     */
    public static Optional<List<String>> command(String version) {
        Optional<Path> anchors = anchors();
        if (anchors.isEmpty()) {
            System.err.println("the original gateway's anchors (build-original.sh) were not found");
            return Optional.empty();
        }
        try {
            Path log = Files.createTempFile("build-original", ".log");
            Process build = new ProcessBuilder(
                            anchors.get().resolve("build-original.sh").toString(), version)
                    .redirectErrorStream(false)
                    .redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!build.waitFor(10, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                System.err.println("could not build the original " + version + ": " + Files.readString(log));
                return Optional.empty();
            }
            Files.deleteIfExists(log);
            String[] parts = out.split(" ", 2);
            return parts.length == 2 ? Optional.of(List.of(parts[0], parts[1])) : Optional.empty();
        } catch (IOException e) {
            System.err.println("could not build the original " + version + ": " + e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Starts {@code command} (from {@link #command}) with exactly {@code environment} plus {@code HOME=home}:
     * nothing is inherited, so a developer's own keys and data directory stay out of it.
     */
    public static OriginalGateway start(List<String> command, Path home, Map<String, String> environment)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().put("HOME", home.toString());
        Path stderr = Files.createTempFile("original-stderr", ".log");
        pb.redirectError(stderr.toFile());
        return new OriginalGateway(pb.start(), stderr);
    }

    public String stderr() {
        return GatewayProcess.readQuietly(stderrFile);
    }

    @Override
    public void close() {
        client.closeInput();
        GatewayProcess.kill(process, stderrFile);
    }
}
