package io.llmgateway.policy;

/**
 * Outcome of validating a policy file for {@code --check-policy}.
 *
 * @param message a one-line summary when valid, else the error naming line, column and field
 */
public record PolicyCheck(boolean ok, String message) {}
