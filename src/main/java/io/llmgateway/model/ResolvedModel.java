package io.llmgateway.model;

/**
 * The model name to hand to a CLI for what a request asked.
 *
 * @param model     what the CLI gets: the alias target for gateway aliases, the table's spelling for a
 *                  known model typed in another case, otherwise exactly what was asked
 * @param via       the gateway alias used, or null
 */
public record ResolvedModel(String requested, String model, ModelAlias via) {
    public boolean changed() {
        return !model.equals(requested);
    }
}
