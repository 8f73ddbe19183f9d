package dev.tributary.ingest.envelope;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;

/**
 * What a dead letter adds to the raw record's own headers, which it keeps with the original key,
 * value and timestamp: why it failed, under which rule, and where it came from.
 */
public final class DeadLetters {

    /** Human-readable reason, e.g. {@code schema: /speed: string found, number expected}. */
    public static final String ERROR = "tributary.error";
    /** The reason's kind, one of {@link Reason}'s names: what a consumer or an alert can switch on. */
    public static final String ERROR_KIND = "tributary.error.kind";
    /** The rule that took the record; absent when no rule matches. */
    public static final String RULE = "tributary.rule";
    /** {@code <topic>/<partition>/<offset>} of the raw record. */
    public static final String SOURCE = "tributary.source";

    /** Why a record became a dead letter. */
    public enum Reason {
        NO_RULE("no-rule"),
        TOO_LARGE("too-large"),
        INVALID_JSON("invalid-json"),
        SCHEMA("schema"),
        MISSING_DEVICE_ID("missing-device-id"),
        INTERNAL("internal");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private DeadLetters() {
    }

    public static void write(Headers headers, Reason reason, String error, String rule, String source) {
        headers.add(ERROR, bytes(error));
        headers.add(ERROR_KIND, bytes(reason.label()));
        if (rule != null) {
            headers.add(RULE, bytes(rule));
        }
        headers.add(SOURCE, bytes(source));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
