package io.llmgateway.provider.api;

/** Token counts of one request; a null count is unknown (the CLI did not report it). */
public record Usage(Long inputTokens, Long outputTokens, Long cacheReadTokens, Long cacheCreationTokens) {

    public static final Usage UNKNOWN = new Usage(null, null, null, null);

    public boolean isUnknown() {
        return inputTokens == null && outputTokens == null && cacheReadTokens == null && cacheCreationTokens == null;
    }

    /**
     * These cumulative counts minus earlier cumulative counts of the same conversation, or null when a
     * count went down (the totals are not comparable, e.g. after the CLI compacted the conversation).
     */
    public Usage minus(Usage earlier) {
        Long[] now = {inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens};
        Long[] before = {earlier.inputTokens, earlier.outputTokens, earlier.cacheReadTokens, earlier.cacheCreationTokens
        };
        Long[] delta = new Long[4];
        for (int i = 0; i < 4; i++) {
            if (now[i] != null && before[i] != null) {
                if (now[i] < before[i]) {
                    return null;
                }
                delta[i] = now[i] - before[i];
            }
        }
        return new Usage(delta[0], delta[1], delta[2], delta[3]);
    }
}
