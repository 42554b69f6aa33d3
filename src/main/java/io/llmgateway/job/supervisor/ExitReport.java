package io.llmgateway.job.supervisor;

/**
 * The contents of exit.json: how the CLI process ended, written once by whoever ran it.
 *
 * @param exitCode    the process's exit status as Java reports it (128 + signal when a signal ended it); null
 *                    when the gateway stopped it (see {@code termination}) or when it never started
 * @param termination an {@link io.llmgateway.exec.Termination} name; null when it never started
 * @param startError  why the process could not be started; null when it ran
 * @param pid         the CLI's pid (0 when it never started)
 * @param runId       the marker id its processes carried
 */
public record ExitReport(
        Integer exitCode,
        String termination,
        long durationMs,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        String startError,
        long pid,
        String runId) {

    /** Hand-written JSON: the supervisor keeps Jackson off its class path to start fast. */
    public String toJson() {
        return "{\"exitCode\":" + exitCode
                + ",\"termination\":" + quote(termination)
                + ",\"durationMs\":" + durationMs
                + ",\"stdoutTruncated\":" + stdoutTruncated
                + ",\"stderrTruncated\":" + stderrTruncated
                + ",\"startError\":" + quote(startError)
                + ",\"pid\":" + pid
                + ",\"runId\":" + quote(runId) + "}\n";
    }

    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
