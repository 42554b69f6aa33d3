package io.llmgateway.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who makes a call: the grant the transport authenticated. A process on stdio is the grant {@code local}.
 * Sessions and jobs belong to the principal that created them; every other principal sees "not found".
 * Records written before grants existed have no owner and belong to {@code local}.
 *
 * @param name the grant name (a {@code grant add} name, or a JWT's principal claim)
 */
public record Principal(String name) {
    /** Letters, digits and the punctuation identity providers put in subject ids (e.g. auth0|123, a@b.c). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@:+=/|-]{1,256}");

    public static final String LOCAL_NAME = "local";
    public static final Principal LOCAL = new Principal(LOCAL_NAME);

    public Principal {
        Objects.requireNonNull(name, "name");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("not a valid principal name: " + name.length() + " characters");
        }
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public boolean isLocal() {
        return LOCAL_NAME.equals(name);
    }

    /**
     * Whether a record with the stored {@code owner} belongs to this principal; a record without an owner
     * (null) belongs to {@code local}.
     */
    public boolean owns(String owner) {
        return name.equals(owner == null ? LOCAL_NAME : owner);
    }

    /** The owner to store on a record: null for {@code local}, so files written over stdio stay as they were. */
    public String storedOwner() {
        return isLocal() ? null : name;
    }

    /** The principal a stored owner names (null is {@code local}). */
    public static Principal ofStoredOwner(String owner) {
        return owner == null ? LOCAL : new Principal(owner);
    }
}
