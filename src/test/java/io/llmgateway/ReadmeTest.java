package io.llmgateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.support.InMemorySessionStore;
import io.llmgateway.support.InProcessGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README is where people look up a tool or a setting: it must name every one the gateway has. */
class ReadmeTest {
    private static final Pattern SETTING = Pattern.compile("\"(LLM_GATEWAY_[A-Z0-9_]*[A-Z0-9])\"");

    @TempDir
    Path dataDir;

    @Test
    void everyToolAndResourceIsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> names = new ArrayList<>();
        try (InProcessGateway gw =
                new InProcessGateway(InProcessGateway.config(dataDir), new InMemorySessionStore(), Clock.systemUTC())) {
            gw.client.initialize();
            names.addAll(gw.client.toolNames());
            for (JsonNode resource :
                    gw.client.request("resources/list", Map.of()).get("result").get("resources")) {
                names.add(resource.get("uri").asText());
            }
            for (JsonNode template : gw.client
                    .request("resources/templates/list", Map.of())
                    .get("result")
                    .get("resourceTemplates")) {
                names.add(template.get("uriTemplate").asText());
            }
        }
        assertFalse(names.isEmpty());
        assertEquals(
                List.of(),
                names.stream()
                        .filter(name -> !readme.contains("`" + name + "`"))
                        .toList(),
                "missing from README.md");
    }

    @Test
    void everySettingIsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> settings = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source :
                    sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher matcher = SETTING.matcher(Files.readString(source));
                while (matcher.find()) {
                    settings.add(matcher.group(1));
                }
            }
        }
        // Built per provider from LLM_GATEWAY_<PROVIDER>_COMMAND, which the README describes as such.
        settings.removeIf(name -> name.endsWith("_COMMAND"));
        assertFalse(settings.isEmpty());
        assertEquals(
                List.of(),
                settings.stream()
                        .filter(name -> !readme.contains("`" + name + "`"))
                        .toList(),
                "missing from README.md's configuration table");
    }
}
