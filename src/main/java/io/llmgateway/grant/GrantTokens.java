package io.llmgateway.grant;

import io.llmgateway.core.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grants a running gateway accepts. Every check first compares the grants file's stamp (a stat, a few
 * microseconds) and re-reads the file when it changed, so {@code grant add} and {@code grant revoke} take
 * effect on the next request, and an expired token is refused from the second it expires. A file that
 * cannot be read makes every grant token fail (closed), with one warning until it is readable again.
 */
public final class GrantTokens {
    private static final Logger LOG = LoggerFactory.getLogger(GrantTokens.class);

    private final GrantFile file;
    private final Clock clock;
    private Snapshot snapshot;

    private record Snapshot(GrantFile.Stamp stamp, List<Grant> grants, boolean readable) {}

    /**
     * Reads the file once.
     *
     * @throws IOException when the grants file exists but cannot be read or is damaged: refuse to start
     */
    public GrantTokens(GrantFile file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        GrantFile.Stamp stamp = file.stamp();
        this.snapshot = new Snapshot(stamp, file.read(), true);
    }

    /** The principal of a grant token that is listed and not expired. */
    public Optional<Principal> authenticate(String token) {
        String hash = GrantService.sha256Hex(token);
        byte[] hashBytes = hash.getBytes(StandardCharsets.US_ASCII);
        for (Grant grant : current().grants()) {
            if (MessageDigest.isEqual(hashBytes, grant.tokenSha256().getBytes(StandardCharsets.US_ASCII))) {
                return grant.isExpiredAt(clock.instant()) ? Optional.empty() : Optional.of(new Principal(grant.name()));
            }
        }
        return Optional.empty();
    }

    /** Whether a grant of this name is listed (expired or not): JWT principals may not take such a name. */
    public boolean isGrantName(String name) {
        return current().grants().stream().anyMatch(g -> g.name().equals(name));
    }

    /** Grants that are listed and not expired now. */
    public int usableCount() {
        return (int) current().grants().stream()
                .filter(g -> !g.isExpiredAt(clock.instant()))
                .count();
    }

    private synchronized Snapshot current() {
        GrantFile.Stamp stamp;
        try {
            stamp = file.stamp();
        } catch (IOException e) {
            return failClosed(null, e);
        }
        if (snapshot.readable() && Objects.equals(stamp, snapshot.stamp())) {
            return snapshot;
        }
        try {
            List<Grant> grants = file.read();
            if (!snapshot.readable()) {
                LOG.info("grants file {} is readable again", file.path());
            }
            snapshot = new Snapshot(stamp, grants, true);
        } catch (IOException e) {
            return failClosed(stamp, e);
        }
        return snapshot;
    }

    private Snapshot failClosed(GrantFile.Stamp stamp, IOException e) {
        if (snapshot.readable()) {
            LOG.warn(
                    "grants file {} cannot be read ({}); every grant token is refused until it can",
                    file.path(),
                    e.getMessage());
        }
        snapshot = new Snapshot(stamp, List.of(), false);
        return snapshot;
    }
}
