package io.llmgateway.store;

/** A store file's content is not what the gateway writes (bad JSON or wrong shape); the message says why. */
final class MalformedStoreFileException extends Exception {

    MalformedStoreFileException(String reason) {
        super(reason, null, false, false);
    }
}
