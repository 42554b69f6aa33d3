package io.llmgateway.session;

import io.llmgateway.core.ProviderId;
import java.util.Objects;

/** One durable change to the session state; a store persists these (e.g. as journal entries). */
public sealed interface SessionChange {

    /** Insert or replace a record. */
    record Put(SessionRecord record) implements SessionChange {
        public Put {
            Objects.requireNonNull(record, "record");
        }
    }

    /** Remove a record; also clears any active pointer to it. */
    record Delete(String id) implements SessionChange {
        public Delete {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * Point {@code owner}'s active session of a provider at {@code sessionId}, or clear it when null.
     *
     * @param owner a stored owner: null is {@code local}
     */
    record SetActive(ProviderId cli, String sessionId, String owner) implements SessionChange {
        public SetActive {
            Objects.requireNonNull(cli, "cli");
        }
    }
}
