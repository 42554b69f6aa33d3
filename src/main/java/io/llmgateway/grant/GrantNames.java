package io.llmgateway.grant;

import io.llmgateway.core.Principal;
import java.util.regex.Pattern;

/** What a grant may be called: 1 to 64 of letters, digits and {@code . _ -}, and never {@code local}. */
public final class GrantNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private GrantNames() {}

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches() && !Principal.LOCAL_NAME.equals(name);
    }

    /** The rule as a sentence, for error messages. */
    public static String rule() {
        return "1 to 64 letters, digits, '.', '_' or '-' (starting with a letter or digit), and not '"
                + Principal.LOCAL_NAME + "' (the stdio caller)";
    }
}
