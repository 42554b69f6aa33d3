package io.llmgateway.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.llmgateway.core.Json;
import io.llmgateway.ops.Check;
import io.llmgateway.ops.Doctor;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code doctor [--json]}: checks what the gateway needs and prints one line per check, with a fix
 * under every problem. Exit code 0 only when there is no problem, 1 otherwise, 2 for a usage error.
 */
public final class DoctorCommand {
    private final Doctor doctor;
    private final String version;

    public DoctorCommand(Doctor doctor, String version) {
        this.doctor = doctor;
        this.version = version;
    }

    public int run(List<String> args, PrintStream out, PrintStream err) {
        CommandOptions options;
        try {
            options = CommandOptions.parse(args, Set.of("--json"), Set.of());
        } catch (CommandOptions.UsageException e) {
            err.println("llm-cli-gateway doctor: " + e.getMessage() + ". Usage: doctor [--json]");
            return 2;
        }
        List<Check> checks = doctor.run();
        long problems = checks.stream().filter(Check::isProblem).count();
        if (options.has("--json")) {
            out.println(json(checks, problems == 0));
        } else {
            printHuman(checks, problems, out);
        }
        return problems == 0 ? 0 : 1;
    }

    private void printHuman(List<Check> checks, long problems, PrintStream out) {
        out.println("llm-cli-gateway " + version + " doctor");
        out.println();
        int width = checks.stream().mapToInt(c -> c.area().length()).max().orElse(10);
        for (Check check : checks) {
            String label = switch (check.status()) {
                case OK -> "ok     ";
                case INFO -> "info   ";
                case PROBLEM -> "PROBLEM";
            };
            out.printf("  %s  %-" + width + "s  %s%n", label, check.area(), check.detail());
            if (check.fix() != null) {
                out.printf("  %s  %-" + width + "s  fix: %s%n", "       ", "", check.fix());
            }
        }
        out.println();
        out.println(
                problems == 0
                        ? "Healthy: no problems found."
                        : problems + " problem(s) found; each has its fix above.");
    }

    private String json(List<Check> checks, boolean healthy) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("healthy", healthy);
        result.put("version", version);
        result.put(
                "checks",
                checks.stream()
                        .map(check -> {
                            Map<String, Object> c = new LinkedHashMap<>();
                            c.put("area", check.area());
                            c.put("status", check.status().name().toLowerCase(Locale.ROOT));
                            c.put("detail", check.detail());
                            c.put("fix", check.fix());
                            return c;
                        })
                        .toList());
        try {
            return Json.newMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialise", e);
        }
    }
}
