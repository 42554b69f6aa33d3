package io.llmgateway.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.support.FakeClis;
import io.llmgateway.support.GatewayProcess;
import io.llmgateway.support.OriginalGateway;
import io.llmgateway.support.StdioClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential corpus (src/test/resources/io/llmgateway/differential/*.json, format in its README): every
 * case runs against the real original 2.11.1 and against our shaded jar, each with the same fake CLIs, and the
 * test says "what the original accepts, we accept, handing the CLI these arguments". A case is accepted by a
 * gateway when its fake CLI recorded a call, refused when no call was recorded and the answer is a JSON-RPC error
 * or an error result (the original's validation errors are both kinds); anything else is reported as undecided.
 * Every failing case is listed at once.
 */
class DifferentialCorpusIT {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String CORPUS = "/io/llmgateway/differential";
    private static final int CALL_SECONDS = 60;
    private static final int ASYNC_RUN_SECONDS = 30;

    @TempDir
    Path scratch;

    record Case(
            String file,
            String name,
            String tool,
            ObjectNode arguments,
            List<String> argv,
            String stdinContains,
            boolean originalAccepts) {
        String label() {
            return file + " / " + name;
        }

        ProviderId cli() {
            String base = tool.replaceFirst("_async$", "").replaceFirst("_request$", "");
            return ProviderId.fromWireName(base)
                    .orElseThrow(() -> new IllegalArgumentException(label() + ": tool " + tool + " runs no CLI"));
        }
    }

    /** What one gateway did with one case. */
    record Outcome(Decision decision, String answer, List<String> argv, String stdin) {}

    enum Decision {
        ACCEPTED,
        REFUSED,
        UNDECIDED
    }

    @Test
    void everyCallTheOriginalAcceptsIsAcceptedHereWithTheArgumentsTheCorpusNames() throws Exception {
        List<Case> corpus = loadCorpus();
        assertFalse(corpus.isEmpty(), "the differential corpus is empty");
        Optional<List<String>> command = OriginalGateway.command(OriginalGateway.V2_11_1);
        assumeTrue(command.isPresent(), "the original 2.11.1 could not be built here (see stderr)");

        Path work = Files.createDirectories(scratch.resolve("work"));
        Path originalHome = homeFor("original-home");
        Path oursHome = homeFor("ours-home");
        Path originalState = Files.createDirectories(scratch.resolve("original-state"));
        Path oursState = Files.createDirectories(scratch.resolve("ours-state"));
        FakeClis originalFakes = FakeClis.in(originalState);
        FakeClis oursFakes = FakeClis.in(oursState);

        Map<String, String> originalEnv = new HashMap<>();
        originalEnv.put("PATH", originalFakes.executable(ProviderId.CLAUDE).getParent() + ":" + System.getenv("PATH"));
        originalEnv.put("FAKE_CLI_STATE", originalState.toString());
        Map<String, String> oursEnv = new HashMap<>(oursFakes.environment());
        oursEnv.put("HOME", oursHome.toString());

        List<String> failures = new ArrayList<>();
        try (OriginalGateway original = OriginalGateway.start(command.get(), originalHome, originalEnv);
                GatewayProcess ours =
                        GatewayProcess.start(Files.createDirectories(scratch.resolve("ours-data")), oursEnv)) {
            original.client.initialize();
            ours.client.initialize();
            for (Case c : corpus) {
                Case resolved = substitute(c, work);
                // The original answers a repeated request from its one-hour cache without running the CLI.
                ObjectNode originalArguments = resolved.arguments().deepCopy();
                if (!originalArguments.has("forceRefresh")) {
                    originalArguments.put("forceRefresh", true);
                }
                Outcome theirs = run(original.client, originalFakes, originalState, resolved, originalArguments);
                Outcome mine = run(ours.client, oursFakes, oursState, resolved, resolved.arguments());
                failures.addAll(judge(resolved, theirs, mine));
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + corpus.size() + " differential case(s) failed:\n- "
                        + String.join("\n- ", failures));
    }

    private static List<String> judge(Case c, Outcome theirs, Outcome mine) {
        List<String> failures = new ArrayList<>();
        if (theirs.decision() == Decision.UNDECIDED) {
            failures.add(c.label() + ": the original neither ran the CLI nor refused: " + theirs.answer());
            return failures;
        }
        boolean theyAccepted = theirs.decision() == Decision.ACCEPTED;
        if (theyAccepted != c.originalAccepts()) {
            failures.add(c.label() + ": the corpus says originalAccepts=" + c.originalAccepts() + " but the original "
                    + (theyAccepted ? "ran the CLI" : "refused: " + theirs.answer()));
        }
        if (!theyAccepted) {
            return failures;
        }
        if (mine.decision() != Decision.ACCEPTED) {
            failures.add(c.label() + ": the original accepts it, we "
                    + (mine.decision() == Decision.REFUSED ? "refuse it: " : "did not run the CLI: ")
                    + mine.answer());
            return failures;
        }
        if (!isSubsequence(c.argv(), splitAttachedValues(mine.argv()))) {
            failures.add(c.label() + ": our CLI argv " + mine.argv() + " does not contain " + c.argv() + " in order");
        }
        if (c.stdinContains() != null && !mine.stdin().contains(c.stdinContains())) {
            failures.add(c.label() + ": our CLI stdin does not contain " + quote(c.stdinContains()) + ": "
                    + quote(mine.stdin()));
        }
        return failures;
    }

    /**
     * {@code --flag=value} as the two entries {@code --flag value}, the same to every CLI here, so a case names a
     * flag one way; entries after a {@code --} terminator are operands and stay as they are.
     */
    static List<String> splitAttachedValues(List<String> argv) {
        List<String> split = new ArrayList<>();
        boolean operands = false;
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (!operands && a.startsWith("--") && eq > 2) {
                split.add(a.substring(0, eq));
                split.add(a.substring(eq + 1));
            } else {
                operands |= a.equals("--");
                split.add(a);
            }
        }
        return split;
    }

    /** Whether every element of {@code wanted} occurs in {@code actual}, in the same order (gaps allowed). */
    static boolean isSubsequence(List<String> wanted, List<String> actual) {
        Iterator<String> it = actual.iterator();
        for (String w : wanted) {
            boolean found = false;
            while (it.hasNext()) {
                if (it.next().equals(w)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static Outcome run(StdioClient client, FakeClis fakes, Path state, Case c, ObjectNode arguments)
            throws IOException, InterruptedException {
        forgetLastCall(state, c.cli());
        Map<String, Object> params = Map.of("name", c.tool(), "arguments", arguments);
        JsonNode response = client.awaitResponse(client.send("tools/call", params), CALL_SECONDS);
        String answer = abbreviate(response.has("error") ? response.get("error") : response.get("result"));
        boolean refusal =
                response.has("error") || response.path("result").path("isError").asBoolean(false);
        if (!refusal && c.tool().endsWith("_async")) {
            awaitCall(fakes, c.cli());
        }
        if (fakes.hasRun(c.cli()) && Files.exists(state.resolve(c.cli().wireName() + ".env"))) {
            return new Outcome(Decision.ACCEPTED, answer, fakes.lastArgs(c.cli()), fakes.lastStdin(c.cli()));
        }
        return new Outcome(refusal ? Decision.REFUSED : Decision.UNDECIDED, answer, List.of(), "");
    }

    /** An async job runs after the call answers: its fake records the call (env last) once it starts. */
    private static void awaitCall(FakeClis fakes, ProviderId cli) throws InterruptedException {
        long deadline = System.nanoTime() + ASYNC_RUN_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline && !fakes.hasRun(cli)) {
            Thread.sleep(50);
        }
        // Let the fake finish writing the record it started (cwd, stdin, env follow the argv).
        Thread.sleep(200);
    }

    private static void forgetLastCall(Path state, ProviderId cli) throws IOException {
        for (String what : List.of("args", "cwd", "stdin", "env")) {
            Files.deleteIfExists(state.resolve(cli.wireName() + "." + what));
        }
    }

    /** A throwaway HOME holding a copy of the corpus's {@code home/} fixture (the user's CLI configuration). */
    private Path homeFor(String name) throws IOException {
        Path home = Files.createDirectories(scratch.resolve(name));
        Path fixture = corpusDir().resolve("home");
        if (Files.isDirectory(fixture)) {
            try (Stream<Path> files = Files.walk(fixture)) {
                for (Path source : files.toList()) {
                    Path target = home.resolve(fixture.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
        }
        return home;
    }

    /** {@code ${WORK}} in arguments, argv and stdinContains names a scratch directory both gateways may use. */
    private static Case substitute(Case c, Path work) throws IOException {
        String real = work.toRealPath().toString();
        ObjectNode arguments =
                (ObjectNode) MAPPER.readTree(c.arguments().toString().replace("${WORK}", real));
        List<String> argv =
                c.argv().stream().map(a -> a.replace("${WORK}", real)).toList();
        String stdin = c.stdinContains() == null ? null : c.stdinContains().replace("${WORK}", real);
        return new Case(c.file(), c.name(), c.tool(), arguments, argv, stdin, c.originalAccepts());
    }

    private static Path corpusDir() {
        try {
            return Path.of(DifferentialCorpusIT.class.getResource(CORPUS).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Case> loadCorpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpusDir())) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode array = MAPPER.readTree(file.toFile());
                if (!array.isArray()) {
                    throw new IllegalStateException(file + " must hold a JSON array of cases");
                }
                for (JsonNode node : array) {
                    cases.add(parse(file.getFileName().toString(), node));
                }
            }
        }
        return cases;
    }

    private static Case parse(String file, JsonNode node) {
        String name = required(file, node, "name").asText();
        String where = file + " / " + name;
        JsonNode arguments = required(file, node, "arguments");
        JsonNode accepts = required(file, node, "originalAccepts");
        if (!arguments.isObject() || !accepts.isBoolean()) {
            throw new IllegalStateException(where + ": arguments must be an object and originalAccepts a boolean");
        }
        List<String> argv = new ArrayList<>();
        node.path("argv").forEach(a -> argv.add(a.asText()));
        JsonNode stdin = node.get("stdinContains");
        return new Case(
                file,
                name,
                required(file, node, "tool").asText(),
                (ObjectNode) arguments,
                List.copyOf(argv),
                stdin == null || stdin.isNull() ? null : stdin.asText(),
                accepts.asBoolean());
    }

    private static JsonNode required(String file, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalStateException(file + ": a case lacks \"" + field + "\": " + node);
        }
        return value;
    }

    private static String abbreviate(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() > 400 ? text.substring(0, 400) + "…" : text;
    }

    private static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
