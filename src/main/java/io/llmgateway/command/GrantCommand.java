package io.llmgateway.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.llmgateway.core.GatewayException;
import io.llmgateway.core.Json;
import io.llmgateway.grant.Grant;
import io.llmgateway.grant.GrantService;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code grant add NAME [--expires DAYS] [--json]}, {@code grant list [--json]}, {@code grant revoke NAME}:
 * the bearer tokens HTTP clients present, managed offline in the data directory. Running gateways pick up
 * every change on their next request. Exit code 0 on success, 1 when the change cannot be made, 2 for a
 * usage error.
 */
public final class GrantCommand {
    private static final String USAGE =
            "Usage: grant add NAME [--expires DAYS] [--json] | grant list [--json]" + " | grant revoke NAME";

    private final GrantService grants;
    private final Clock clock;

    public GrantCommand(GrantService grants, Clock clock) {
        this.grants = grants;
        this.clock = clock;
    }

    public int run(List<String> args, PrintStream out, PrintStream err) {
        String action = args.isEmpty() ? "" : args.get(0);
        try {
            return switch (action) {
                case "add" ->
                    add(named(args), CommandOptions.parse(rest(args, 2), Set.of("--json"), Set.of("--expires")), out);
                case "list" -> list(CommandOptions.parse(rest(args, 1), Set.of("--json"), Set.of()), out);
                case "revoke" -> {
                    CommandOptions.parse(rest(args, 2), Set.of(), Set.of()); // nothing else may follow NAME
                    yield revoke(named(args), out, err);
                }
                default ->
                    throw new CommandOptions.UsageException(
                            action.isEmpty() ? "say what to do" : "unknown action '" + action + "'");
            };
        } catch (CommandOptions.UsageException e) {
            err.println("llm-cli-gateway grant: " + e.getMessage() + ". " + USAGE);
            return 2;
        } catch (GatewayException e) {
            err.println("llm-cli-gateway grant: " + e.getMessage());
            return 1;
        }
    }

    private int add(String name, CommandOptions options, PrintStream out) {
        List<String> expires = options.all("--expires");
        Long days = null;
        if (!expires.isEmpty()) {
            try {
                days = Long.parseLong(expires.get(expires.size() - 1).trim());
            } catch (NumberFormatException e) {
                throw new CommandOptions.UsageException("--expires takes a whole number of days");
            }
        }
        GrantService.NewGrant added = grants.add(name, days);
        if (options.has("--json")) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", added.grant().name());
            json.put("token", added.token());
            json.put(
                    "expiresAt",
                    added.grant().expiresAt() == null
                            ? null
                            : added.grant().expiresAt().toString());
            out.println(json(json));
            return 0;
        }
        out.println("Grant '" + name + "' added"
                + (added.grant().expiresAt() == null
                        ? " (does not expire)"
                        : " (expires " + added.grant().expiresAt() + ")")
                + ". Its token, shown only this once:");
        out.println();
        out.println("  " + added.token());
        out.println();
        out.println("HTTP clients send it as the header:  Authorization: Bearer " + added.token());
        out.println("Running gateways accept it from their next request; 'grant revoke " + name + "' withdraws it.");
        return 0;
    }

    private int list(CommandOptions options, PrintStream out) {
        List<Grant> all = grants.list();
        if (options.has("--json")) {
            out.println(json(Map.of(
                    "grants",
                    all.stream()
                            .map(g -> {
                                Map<String, Object> entry = new LinkedHashMap<>();
                                entry.put("name", g.name());
                                entry.put("createdAt", g.createdAt().toString());
                                entry.put(
                                        "expiresAt",
                                        g.expiresAt() == null
                                                ? null
                                                : g.expiresAt().toString());
                                entry.put("expired", g.isExpiredAt(clock.instant()));
                                return entry;
                            })
                            .toList())));
            return 0;
        }
        if (all.isEmpty()) {
            out.println("No grants. Add one with: grant add NAME [--expires DAYS]");
            return 0;
        }
        int width =
                Math.max(4, all.stream().mapToInt(g -> g.name().length()).max().orElse(4));
        out.printf("%-" + width + "s  %-20s  %-20s  %s%n", "NAME", "CREATED", "EXPIRES", "STATE");
        for (Grant g : all) {
            out.printf(
                    "%-" + width + "s  %-20s  %-20s  %s%n",
                    g.name(),
                    g.createdAt(),
                    g.expiresAt() == null ? "never" : g.expiresAt(),
                    g.isExpiredAt(clock.instant()) ? "expired" : "active");
        }
        return 0;
    }

    private int revoke(String name, PrintStream out, PrintStream err) {
        Optional<Grant> revoked = grants.revoke(name);
        if (revoked.isEmpty()) {
            err.println("llm-cli-gateway grant: there is no grant named '" + name + "' (grant list shows them).");
            return 1;
        }
        out.println("Grant '" + name + "' revoked: running gateways refuse its token from their next request.");
        return 0;
    }

    private static String named(List<String> args) {
        if (args.size() < 2 || args.get(1).startsWith("--")) {
            throw new CommandOptions.UsageException("grant " + args.get(0) + " needs a NAME");
        }
        return args.get(1);
    }

    private static List<String> rest(List<String> args, int from) {
        return args.subList(Math.min(from, args.size()), args.size());
    }

    private static String json(Object value) {
        try {
            return Json.newMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialise", e);
        }
    }
}
