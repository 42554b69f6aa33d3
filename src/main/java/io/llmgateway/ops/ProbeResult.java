package io.llmgateway.ops;

import io.llmgateway.core.ProviderId;
import io.llmgateway.provider.cli.LoginStatus;

/**
 * What probing one provider CLI found.
 *
 * @param command     the executable asked for: the default name or {@code LLM_GATEWAY_<PROVIDER>_COMMAND}
 * @param overridden  whether the command came from {@code LLM_GATEWAY_<PROVIDER>_COMMAND}
 * @param path        where it resolved to, or null when not installed
 * @param version     the version number from {@code --version} (e.g. "2.1.197"), or null
 * @param versionText the first line {@code --version} printed, or null
 * @param login       login state; UNKNOWN when not installed
 * @param problem     why something could not be determined (a timeout, a failing command), or null
 * @param probeMillis how long the probes of this CLI took
 */
public record ProbeResult(
        ProviderId cli,
        String command,
        boolean overridden,
        String path,
        String version,
        String versionText,
        LoginStatus login,
        String problem,
        long probeMillis) {

    public boolean installed() {
        return path != null;
    }
}
