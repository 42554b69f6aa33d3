package io.llmgateway.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MCP server entry a host config holds: the command, its arguments, environment values, and the
 * names of variables the host must forward from its own environment (never their values).
 */
public record ServerEntry(String command, List<String> args, Map<String, String> env, List<String> forwarded) {
    public static final String SERVER_NAME = "llm-cli-gateway";

    public ServerEntry {
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        forwarded = List.copyOf(forwarded);
    }

    /** {@code {"command":…,"args":[…],"env":{…}}}: what a script runs to launch what a host launches. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("command", command);
        map.put("args", args);
        map.put("env", env);
        return map;
    }
}
