package io.llmgateway.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code setup} tells a person about one host's entry: what the host may now do with the gateway's
 * tools, how to narrow it, and how the gateway gets the CLIs' credentials. Facts observed on Claude Code
 * 2.1, Codex 0.169 and Gemini CLI 0.61 as MCP hosts.
 */
public final class HostNotes {
    private static final String NAME = ServerEntry.SERVER_NAME;
    private static final String POLICY = "a gateway policy (docs/POLICY.md: deny or hide tools, limit calls) "
            + "narrows every host at once and is never rewritten by setup";

    private HostNotes() {}

    public static List<String> of(HostClient client, ServerEntry entry) {
        List<String> notes = new ArrayList<>();
        switch (client) {
            case CODEX -> {
                notes.add(
                        "Codex may call every gateway tool without asking (default_tools_approval_mode = \"approve\"): "
                                + "also the destructive ones, e.g. <cli>_request runs another agent that can change files, "
                                + "session_clear_all deletes records. Without it codex exec refuses them.");
                notes.add("To narrow it: per tool, [mcp_servers." + NAME + ".tools.<tool>] approval_mode = \"prompt\" "
                        + "(interactive codex asks, codex exec refuses), or disabled_tools = [\"<tool>\", ...]; "
                        + "setup --write rewrites this table, so " + POLICY + ".");
                notes.add(forwarding("Codex passes a server only HOME, PATH and a few more", entry));
            }
            case GEMINI -> {
                notes.add(
                        "Gemini asks before each gateway tool call. Headless gemini -p offers the gateway's tools only "
                                + "where it need not ask: run it with --yolo (every tool, Gemini's own too), or add \"trust\": true "
                                + "to this entry (all of the gateway's tools, the destructive <cli>_request ones included, "
                                + "without confirmation). setup never turns trust on; " + POLICY + ".");
                notes.add("Gemini starts stdio MCP servers only in trusted folders: run gemini trust in the folder "
                        + "(or, for one run, --skip-trust or GEMINI_CLI_TRUST_WORKSPACE=true).");
                notes.add("Gemini shows its model only a tool's text: each request's reply ends with a "
                        + "[gateway] session gw-... line, so the model can continue that session.");
                notes.add(forwarding("Gemini drops variables whose names look secret (KEY, TOKEN, AUTH, ...)", entry));
            }
            case CLAUDE_CODE -> {
                notes.add("Claude Code passes its whole environment to the gateway. It asks before each gateway tool "
                        + "call; headless claude -p runs them only when allowed, e.g. --allowedTools mcp__" + NAME
                        + " (all) or mcp__" + NAME + "__claude_request (one), or permissions.allow in its settings.");
            }
            case CLAUDE_DESKTOP, CURSOR -> {
                notes.add(client.displayName() + " starts servers without your shell's variables: the provider CLIs "
                        + "use their own stored logins (claude auth login, codex login, gemini). It asks before each "
                        + "gateway tool call unless you allow the tool there; " + POLICY + ".");
            }
        }
        return notes;
    }

    private static String forwarding(String why, ServerEntry entry) {
        return why + ": the entry names the " + entry.forwarded().size() + " variables the gateway and the CLIs read "
                + "(credentials, endpoints, LLM_GATEWAY_* settings), and the host fills them in from its own "
                + "environment; no value is written.";
    }
}
