package io.llmgateway.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy file, reloaded when it changes. At most once per {@code checkInterval} a call stats
 * the file (inode, mtime, size) and re-parses it when that changed. An invalid edit keeps the last
 * good policy and is logged and reported in {@link #status()}; so does a file that is not a regular
 * file of at most 1 MiB, which is never read (see {@link PolicyParser#parse(Path)}). Deleting an
 * optional file means no policy, as it would after a restart; deleting a required one is treated as
 * an invalid edit.
 *
 * <p>One call reloads at a time, and no call waits for it: while one reads the file, the others go on
 * with the policy in force.
 */
public final class PolicyFile {
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFile.class);

    private final PolicyLocation location;
    private final Path path;
    private final Function<Path, Policy> load;
    private final Clock clock;
    private final long checkIntervalMillis;
    private final ReentrantLock reloading = new ReentrantLock();

    private volatile State state;
    private volatile long nextCheckMillis;

    /**
     * Loads the file now.
     *
     * @throws InvalidPolicyException if the file is not a valid policy, or is required and missing
     */
    public PolicyFile(PolicyLocation location, PolicyParser parser, Clock clock, Duration checkInterval) {
        this(location, parser::parse, clock, checkInterval);
    }

    /** {@code load} reads and parses the file, throwing {@link InvalidPolicyException}. */
    PolicyFile(PolicyLocation location, Function<Path, Policy> load, Clock clock, Duration checkInterval) {
        this.location = location;
        this.path = location.path();
        this.load = load;
        this.clock = clock;
        this.checkIntervalMillis = checkInterval.toMillis();
        Stamp stamp = stamp();
        if (stamp == null && location.required()) {
            throw new InvalidPolicyException(location.missingMessage());
        }
        this.state = stamp == null ? State.NONE : new State(load.apply(path), stamp, null, null);
        this.nextCheckMillis = clock.millis() + checkIntervalMillis;
    }

    /** The policy in force, reloaded first if the file changed. */
    public Policy current() {
        if (clock.millis() >= nextCheckMillis) {
            refresh();
        }
        return state.policy;
    }

    public PolicyStatus status() {
        State current = state;
        return new PolicyStatus(
                path,
                current.stamp != null,
                current.stamp != null ? current.policy.summary() : null,
                current.rejectedEdit,
                List.of());
    }

    private void refresh() {
        if (!reloading.tryLock()) {
            return;
        }
        try {
            reload();
        } finally {
            reloading.unlock();
        }
    }

    private void reload() {
        if (clock.millis() < nextCheckMillis) {
            return;
        }
        nextCheckMillis = clock.millis() + checkIntervalMillis;
        State previous = state;
        Stamp stamp;
        try {
            stamp = stamp();
        } catch (InvalidPolicyException e) {
            reject(previous, null, e.getMessage());
            return;
        }
        boolean alreadyRejected = stamp != null && stamp.equals(previous.rejectedStamp);
        if (Objects.equals(stamp, previous.stamp) || alreadyRejected) {
            return;
        }
        if (stamp == null && location.required()) {
            reject(previous, null, location.missingMessage());
            return;
        }
        if (stamp == null) {
            LOG.warn("policy file {} was removed; all tools are allowed", path);
            state = State.NONE;
            return;
        }
        try {
            state = new State(load.apply(path), stamp, null, null);
            LOG.info("policy file {} reloaded: {}", path, state.policy.summary());
        } catch (InvalidPolicyException e) {
            reject(previous, stamp, e.getMessage());
        }
    }

    private void reject(State previous, Stamp edit, String error) {
        if (!error.equals(previous.rejectedEdit)) {
            LOG.warn("policy file {} changed but is invalid; keeping the previous policy: {}", path, error);
        }
        state = new State(previous.policy, previous.stamp, error, edit);
    }

    /** Identity of one version of the file; null when there is no file. */
    private Stamp stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (!Files.isDirectory(path.getParent())) {
                // An unusable data directory holds no policy; the store reports it as store_unavailable.
                return null;
            }
            throw InvalidPolicyException.unreadable(path, e);
        }
    }

    private record Stamp(Object fileKey, FileTime modified, long size) {}

    /**
     * @param stamp         version of the file {@code policy} came from; null for "no file"
     * @param rejectedStamp version of the file whose edit was rejected, so it is not re-parsed each check
     */
    private record State(Policy policy, Stamp stamp, String rejectedEdit, Stamp rejectedStamp) {
        static final State NONE = new State(Policy.ALLOW_ALL, null, null, null);
    }
}
