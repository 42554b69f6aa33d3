package io.llmgateway.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The MCP server entry a host config holds: the command, its arguments and extra environment. */
public record ServerEntry(String command, List<String> args, Map<String, String> env) {
    public static final String SERVER_NAME = "llm-cli-gateway";

    public ServerEntry {
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** {@code {"command":…,"args":[…],"env":{…}}}, the shape every JSON host config uses. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("command", command);
        map.put("args", args);
        map.put("env", env);
        return map;
    }
}
