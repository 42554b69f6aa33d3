package io.llmgateway.exec;

/** Which of the child's output streams a piece of output came from. */
public enum OutputStreamKind {
    STDOUT,
    STDERR
}
