package io.llmgateway.files;

import java.io.IOException;

/** A step on files that may fail with an {@link IOException}: what a {@link FileMutex} runs, among others. */
@FunctionalInterface
public interface IoCall<T> {
    T call() throws IOException;
}
