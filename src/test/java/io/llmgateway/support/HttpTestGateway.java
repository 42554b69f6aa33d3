package io.llmgateway.support;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.HttpConfig;
import io.llmgateway.grant.GrantFile;
import io.llmgateway.grant.GrantService;
import io.llmgateway.http.HttpGateway;
import io.llmgateway.policy.PolicyGuard;
import io.llmgateway.store.JsonFileSessionStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway served over HTTP in this JVM, on a free loopback port, with the real session store in a
 * temporary data directory. {@code env} is what it reads its settings from (HTTP settings included).
 */
public final class HttpTestGateway implements AutoCloseable {
    public final HttpGateway server;
    public final Path dataDir;
    private final Clock clock;

    private HttpTestGateway(HttpGateway server, Path dataDir, Clock clock) {
        this.server = server;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    public static HttpTestGateway start(Path dataDir, Map<String, String> env, Clock clock) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("LLM_GATEWAY_HTTP_PORT", "0");
        all.put("LLM_GATEWAY_HOME", dataDir.toString());
        GatewayConfig config = GatewayConfig.fromEnvironment(all);
        HttpGateway server = HttpGateway.start(
                config,
                HttpConfig.fromEnvironment(all),
                new JsonFileSessionStore(dataDir, clock),
                PolicyGuard.open(dataDir, all, clock),
                clock);
        return new HttpTestGateway(server, dataDir, clock);
    }

    /** A new grant's token, as {@code grant add NAME} prints it. */
    public static String addGrant(Path dataDir, String name, Long expiresInDays, Clock clock) {
        return new GrantService(new GrantFile(dataDir), clock)
                .add(name, expiresInDays)
                .token();
    }

    public String addGrant(String name) {
        return addGrant(dataDir, name, null, clock);
    }

    public void revoke(String name) {
        new GrantService(new GrantFile(dataDir), clock).revoke(name);
    }

    public URI url() {
        return server.url();
    }

    @Override
    public void close() {
        server.close();
    }
}
