package io.llmgateway.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.core.ProviderId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contracts the gateway was built against, from the bundled {@code cli-contracts.json}: generated from the
 * reference {@code --help} texts (scripts/cli-contracts.sh regenerates it; CliContractsResourceTest checks it).
 * Providers whose CLI could not be installed where the texts were taken (vibe, devin, cursor-agent) have none.
 */
public final class CliContracts {
    public static final String RESOURCE = "cli-contracts.json";

    private final Map<ProviderId, CliContract> contracts;

    public CliContracts(Map<ProviderId, CliContract> contracts) {
        this.contracts = new EnumMap<>(ProviderId.class);
        this.contracts.putAll(contracts);
    }

    public static CliContracts bundled(ObjectMapper mapper) {
        try (InputStream in = CliContracts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return parse(mapper.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the bundled " + RESOURCE, e);
        }
    }

    static CliContracts parse(JsonNode root) {
        Map<ProviderId, CliContract> contracts = new EnumMap<>(ProviderId.class);
        for (ProviderId provider : ProviderId.values()) {
            JsonNode node = root.path(provider.wireName());
            if (node.isMissingNode()) {
                continue;
            }
            List<CommandContract> commands = new ArrayList<>();
            for (JsonNode command : node.path("commands")) {
                commands.add(new CommandContract(
                        strings(command.path("commandPath")),
                        command.path("summary").isTextual()
                                ? command.path("summary").asText()
                                : null,
                        strings(command.path("flags"))));
            }
            contracts.put(
                    provider,
                    new CliContract(
                            provider,
                            node.path("executable").asText(),
                            node.path("version").asText(),
                            commands));
        }
        return new CliContracts(contracts);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    public Optional<CliContract> of(ProviderId provider) {
        return Optional.ofNullable(contracts.get(provider));
    }
}
