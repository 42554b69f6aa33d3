package io.llmgateway.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.Json;
import io.llmgateway.core.ProviderId;
import io.llmgateway.exec.ProcessOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How each provider CLI reports its version and login state (observed on the real CLIs where they
 * are installable; from their documented commands otherwise, see shared/reference). CLIs without a
 * status command are judged by the credentials they read: documented variables and files.
 */
final class ProviderStatusChecks {
    private static final ObjectMapper MAPPER = Json.newMapper();

    private ProviderStatusChecks() {
    }

    /** Every CLI answers {@code --version} on stdout, quickly and offline. */
    static List<String> versionArgs(ProviderId provider) {
        return List.of("--version");
    }

    static LoginStatus login(ProviderId provider, StatusContext ctx) {
        return switch (provider) {
            case CLAUDE -> claude(ctx);
            case CODEX -> codex(ctx);
            case GEMINI -> credentials(ctx,
                    List.of("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS"),
                    List.of(".gemini/oauth_creds.json", ".gemini/.env", ".config/gcloud/application_default_credentials.json"));
            case GROK -> credentials(ctx,
                    List.of("XAI_API_KEY", "GROK_API_KEY"),
                    List.of(".grok/auth.json", ".config/grok/auth.json", ".grok/user-settings.json"));
            case MISTRAL -> credentials(ctx,
                    List.of("MISTRAL_API_KEY"),
                    List.of(ctx.env("VIBE_HOME").map(home -> Path.of(home, ".env").toString()).orElse(".vibe/.env")));
            case DEVIN -> textStatus(ctx, "WINDSURF_API_KEY", "auth", "status");
            case CURSOR -> textStatus(ctx, "CURSOR_API_KEY", "status");
        };
    }

    /** How a person logs the CLI in, as a command to run or a variable to set. */
    static String loginHint(ProviderId provider) {
        return switch (provider) {
            case CLAUDE -> "run `claude auth login`, or set ANTHROPIC_API_KEY";
            case CODEX -> "run `codex login`, or pipe an API key to `codex login --with-api-key`";
            case GEMINI -> "run `gemini` once and sign in, or set GEMINI_API_KEY";
            case GROK -> "run `grok login`, or set XAI_API_KEY";
            case MISTRAL -> "run `vibe --setup`, or set MISTRAL_API_KEY";
            case DEVIN -> "run `devin auth login`, or set WINDSURF_API_KEY";
            case CURSOR -> "run `cursor-agent login`, or set CURSOR_API_KEY";
        };
    }

    /** {@code claude auth status --json}: {"loggedIn":bool,"authMethod":…}; exit 1 when not logged in. */
    private static LoginStatus claude(StatusContext ctx) {
        Optional<ProcessOutcome> outcome = ctx.run("auth", "status", "--json");
        if (outcome.isEmpty()) {
            return LoginStatus.unknown("`claude auth status` did not answer in time");
        }
        JsonNode status = jsonObject(outcome.get().stdout());
        if (status != null && status.path("loggedIn").isBoolean()) {
            String method = status.path("authMethod").asText(null);
            return status.get("loggedIn").asBoolean()
                    ? LoginStatus.loggedIn(method, "claude auth status")
                    : LoginStatus.notLoggedIn("claude auth status says not logged in");
        }
        return LoginStatus.unknown("`claude auth status` answered in an unknown format (exit "
                + outcome.get().exitCode() + ")");
    }

    /** {@code codex login status}: exit 0 when logged in ("Logged in using ChatGPT", "API key configured"). */
    private static LoginStatus codex(StatusContext ctx) {
        Optional<ProcessOutcome> outcome = ctx.run("login", "status");
        if (outcome.isEmpty()) {
            return LoginStatus.unknown("`codex login status` did not answer in time");
        }
        String text = (outcome.get().stdout() + "\n" + outcome.get().stderr()).toLowerCase(Locale.ROOT);
        Integer exit = outcome.get().exitCode();
        if (exit != null && exit == 0) {
            String method = text.contains("chatgpt") ? "chatgpt" : text.contains("api key") ? "api_key" : null;
            return LoginStatus.loggedIn(method, "codex login status");
        }
        if (text.contains("not logged in")) {
            return LoginStatus.notLoggedIn("codex login status says not logged in");
        }
        return LoginStatus.unknown("`codex login status` exited with " + exit);
    }

    /** For CLIs without a status command: a documented variable or credentials file is the evidence. */
    private static LoginStatus credentials(StatusContext ctx, List<String> variables, List<String> files) {
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
                + String.join(", ", files.stream().map(f -> ctx.home().resolve(f).toString()).toList()) + ")");
    }

    /** Devin and Cursor print their status as text; read it by the phrases they use. */
    private static LoginStatus textStatus(StatusContext ctx, String keyVariable, String... statusArgs) {
        if (ctx.env(keyVariable).isPresent()) {
            return LoginStatus.loggedIn("api_key", keyVariable + " is set");
        }
        Optional<ProcessOutcome> outcome = ctx.run(statusArgs);
        String command = "`" + String.join(" ", statusArgs) + "`";
        if (outcome.isEmpty()) {
            return LoginStatus.unknown(command + " did not answer in time");
        }
        String text = (outcome.get().stdout() + "\n" + outcome.get().stderr()).toLowerCase(Locale.ROOT);
        if (text.contains("not logged in") || text.contains("not authenticated") || text.contains("logged out")) {
            return LoginStatus.notLoggedIn(command + " says not logged in");
        }
        Integer exit = outcome.get().exitCode();
        if (exit != null && exit == 0 && (text.contains("logged in") || text.contains("authenticated"))) {
            return LoginStatus.loggedIn(null, command);
        }
        return LoginStatus.unknown(command + " exited with " + exit + " without a recognisable status");
    }

    private static JsonNode jsonObject(String text) {
        int start = text.indexOf('{');
        int end = text.lastIndexOf('}');
        if (start < 0 || end < start) {
            return null;
        }
        try {
            return MAPPER.readTree(text.substring(start, end + 1));
        } catch (IOException e) {
            return null;
        }
    }
}
