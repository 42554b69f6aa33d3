package io.llmgateway.tools;

/** Arguments that violate a tool's input schema: answered as JSON-RPC error -32602, per the contract. */
public final class InvalidParamsException extends RuntimeException {
    public InvalidParamsException(String message) {
        super(message, null, false, false);
    }
}
