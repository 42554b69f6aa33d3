package io.llmgateway.policy;

import io.llmgateway.core.Principal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Not a test: a separate process for {@link SharedCountersProcessTest}. Arguments: data directory,
 * tool, number of calls, clock instant. Prints "ready", waits for a line on stdin so that
 * contenders start together, then prints how many calls the policy allowed.
 */
public final class CounterContender {
    private CounterContender() {}

    public static void main(String[] args) throws IOException {
        Path dataDir = Path.of(args[0]);
        int calls = Integer.parseInt(args[2]);
        Clock clock = Clock.fixed(Instant.parse(args[3]), ZoneOffset.UTC);
        PolicyFile policy = new PolicyFile(
                new PolicyLocation(dataDir.resolve("policy.json"), false), new PolicyParser(), clock, Duration.ZERO);
        int allowed = 0;
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        try (PolicyEnforcer enforcer = new PolicyEnforcer(policy, new PolicyCounters(dataDir), clock)) {
            for (int i = 0; i < calls; i++) {
                if (enforcer.admit(args[1], Map.of(), ArgumentIdentity.AS_IS, Principal.LOCAL)
                        instanceof PolicyDecision.Allowed) {
                    allowed++;
                }
            }
        }
        System.out.println(allowed);
    }
}
