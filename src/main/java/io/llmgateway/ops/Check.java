package io.llmgateway.ops;

import java.util.Objects;

/**
 * One line of a health report.
 *
 * @param area   what was checked ("data directory", "claude", ...)
 * @param status OK, INFO (worth knowing, nothing to do) or PROBLEM (something will fail)
 * @param detail what was found, one line
 * @param fix    for a problem, the one thing to do about it; otherwise null
 */
public record Check(String area, Status status, String detail, String fix) {
    public enum Status {
        OK,
        INFO,
        PROBLEM
    }

    public Check {
        Objects.requireNonNull(area, "area");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        if (status == Status.PROBLEM && fix == null) {
            throw new IllegalArgumentException("a problem needs a fix");
        }
    }

    public static Check ok(String area, String detail) {
        return new Check(area, Status.OK, detail, null);
    }

    public static Check info(String area, String detail) {
        return new Check(area, Status.INFO, detail, null);
    }

    public static Check problem(String area, String detail, String fix) {
        return new Check(area, Status.PROBLEM, detail, fix);
    }

    public boolean isProblem() {
        return status == Status.PROBLEM;
    }
}
