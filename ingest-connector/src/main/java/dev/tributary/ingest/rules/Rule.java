package dev.tributary.ingest.rules;

import dev.tributary.common.topic.TopicPattern;

/**
 * One parsed, valid ingest rule: which raw records it takes (source topic, MQTT filter), how it reads
 * them (format, check, device id) and where it writes them.
 *
 * @param check null for a binary rule (its payload is passed through unchanged)
 */
public record Rule(String name, String source, TopicPattern filter, String target, String type, Format format,
        PayloadCheck check, DeviceId deviceId, String deadLetterTopic) {

    public enum Format {
        /** decoded as JSON and validated; curated with {@code content-type: application/json} */
        JSON("application/json"),
        /** passed through as it is; curated with {@code content-type: application/octet-stream} */
        BINARY("application/octet-stream");

        private final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }
    }
}
