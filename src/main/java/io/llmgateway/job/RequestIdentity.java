package io.llmgateway.job;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which conversation and directory a request would use, resolved without changing anything.
 *
 * @param workingDir the absolute working directory the CLI would run in
 * @param sessionKey the gw-* id it would continue, or a fixed word for the other choices (e.g. "new",
 *                   "latest", "native:&lt;id&gt;"): equal keys mean the same conversation would be used
 */
public record RequestIdentity(Path workingDir, String sessionKey) {
    public RequestIdentity {
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(sessionKey, "sessionKey");
    }
}
