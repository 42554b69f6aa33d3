package io.llmgateway.provider;

import io.llmgateway.provider.api.Continuation;
import io.llmgateway.provider.api.Usage;
import io.llmgateway.provider.cli.ProviderCli;
import io.llmgateway.session.SessionRecord;
import java.util.List;
import java.util.Map;

/**
 * Per-request usage for CLIs that report token counts cumulatively over a conversation (Codex): the
 * session's metadata keeps the totals after each request, and a request reports the difference.
 */
final class CumulativeUsage {
    static final String PREFIX = "usageTotal.";
    private static final String[] FIELDS = {"inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens"};

    private CumulativeUsage() {}

    /** Stores these totals in {@code metadata} (null counts remove their key). */
    static void remember(Map<String, String> metadata, Usage totals) {
        Long[] counts = counts(totals);
        for (int i = 0; i < FIELDS.length; i++) {
            metadata.put(PREFIX + FIELDS[i], counts[i] == null ? null : counts[i].toString());
        }
    }

    /**
     * This request's usage: all of it for a new conversation, else the difference to the totals the
     * session recorded for the same conversation; unknown, with a warning, when there are none to compare.
     */
    static Usage perRequest(
            ProviderCli provider,
            Continuation continuation,
            Usage totals,
            SessionRecord before,
            String nativeId,
            List<String> warnings) {
        if (!continuation.continuesConversation()) {
            return totals;
        }
        Usage earlier = before != null && nativeId != null && nativeId.equals(before.nativeSessionId())
                ? recorded(before.metadata())
                : null;
        Usage delta = earlier == null ? null : totals.minus(earlier);
        if (delta == null) {
            warnings.add(provider.id().displayName() + " reports token usage cumulatively over a conversation and the "
                    + "gateway has no comparable totals from its previous request, so this request's usage is unknown; "
                    + "later requests in this session report their own usage.");
            return Usage.UNKNOWN;
        }
        return delta;
    }

    private static Usage recorded(Map<String, String> metadata) {
        Long[] counts = new Long[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            counts[i] = parse(metadata.get(PREFIX + FIELDS[i]));
        }
        Usage usage = new Usage(counts[0], counts[1], counts[2], counts[3]);
        return usage.isUnknown() ? null : usage;
    }

    private static Long[] counts(Usage usage) {
        return new Long[] {
            usage.inputTokens(), usage.outputTokens(), usage.cacheReadTokens(), usage.cacheCreationTokens()
        };
    }

    private static Long parse(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
