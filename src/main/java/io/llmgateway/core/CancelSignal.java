package io.llmgateway.core;

/**
 * The caller's request to stop work it asked for (the client cancelled its call). Services react to it
 * without knowing which protocol carried it.
 */
public interface CancelSignal {
    /** A caller that never cancels. */
    CancelSignal NONE = new CancelSignal() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable action) {}
    };

    boolean isCancelled();

    /**
     * Runs {@code action} once when the caller cancels, at once when it already has. The action runs on
     * the thread that received the cancellation, so it must only signal (never block).
     */
    void onCancel(Runnable action);
}
