package io.llmgateway.provider.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.exec.ProcessOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The ways provider CLIs reveal whether they are logged in, shared by their {@code loginStatus} methods. */
final class LoginChecks {
    private LoginChecks() {}

    /** The first JSON object the CLI printed on stdout, if any. */
    static Optional<JsonNode> jsonObject(ProcessOutcome outcome) {
        return JsonScan.objects(outcome.stdout()).stream().findFirst();
    }

    /** Both streams in lower case, for CLIs whose status is only text. */
    static String text(ProcessOutcome outcome) {
        return (outcome.stdout() + "\n" + outcome.stderr()).toLowerCase(Locale.ROOT);
    }

    static boolean exitedZero(ProcessOutcome outcome) {
        return outcome.exitCode() != null && outcome.exitCode() == 0;
    }

    /**
     * For CLIs without a status command: a documented variable or credentials file (relative to the
     * home directory unless absolute) is the evidence.
     */
    static LoginStatus credentials(StatusContext ctx, List<String> variables, List<String> files) {
        for (String variable : variables) {
            if (ctx.env(variable).isPresent()) {
                return LoginStatus.loggedIn("api_key", variable + " is set");
            }
        }
        for (String file : files) {
            Path path = ctx.home().resolve(file);
            if (Files.isRegularFile(path)) {
                return LoginStatus.loggedIn("credentials_file", path + " exists");
            }
        }
        return LoginStatus.notLoggedIn("no credentials found (" + String.join(", ", variables) + ", "
                + String.join(
                        ", ",
                        files.stream()
                                .map(f -> ctx.home().resolve(f).toString())
                                .toList()) + ")");
    }

    /** For CLIs that print their status as text: an API key variable, else the phrases the status uses. */
    static LoginStatus textStatus(StatusContext ctx, String keyVariable, String... statusArgs) {
        if (ctx.env(keyVariable).isPresent()) {
            return LoginStatus.loggedIn("api_key", keyVariable + " is set");
        }
        String command = "`" + String.join(" ", statusArgs) + "`";
        Optional<ProcessOutcome> outcome = ctx.run(statusArgs);
        if (outcome.isEmpty()) {
            return LoginStatus.unknown(command + " did not answer in time");
        }
        String text = text(outcome.get());
        if (text.contains("not logged in") || text.contains("not authenticated") || text.contains("logged out")) {
            return LoginStatus.notLoggedIn(command + " says not logged in");
        }
        if (exitedZero(outcome.get()) && (text.contains("logged in") || text.contains("authenticated"))) {
            return LoginStatus.loggedIn(null, command);
        }
        return LoginStatus.unknown(
                command + " exited with " + outcome.get().exitCode() + " without a recognisable status");
    }
}
