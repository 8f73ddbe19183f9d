package dev.tributary.edge.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import dev.tributary.common.mirror.MirrorHeaders;
import dev.tributary.edge.mqtt.PublishProperties;
import dev.tributary.edge.mqtt.UserProperty;

/**
 * A message's MQTT 5 properties as Kafka record headers, written the same way to the raw mirror, to the
 * retained-message topic and to other edges' inboxes, and read back from the last two: user properties keep
 * their order (Kafka keeps headers in order, repeated names included). The record's timestamp is when the
 * edge accepted the message, so the message expiry interval counts on from there after the read-back.
 */
public final class PropertyHeaders {

    private PropertyHeaders() {
    }

    public static void add(Headers headers, PublishProperties p) {
        if (p == PublishProperties.NONE) {
            return;
        }
        if (p.payloadFormat() == 1) {
            headers.add(MirrorHeaders.PAYLOAD_FORMAT, utf8("utf-8"));
        }
        if (p.messageExpirySeconds() >= 0) {
            headers.add(MirrorHeaders.MESSAGE_EXPIRY, utf8(Long.toString(p.messageExpirySeconds())));
        }
        if (p.contentType() != null) {
            headers.add(MirrorHeaders.CONTENT_TYPE, utf8(p.contentType()));
        }
        if (p.responseTopic() != null) {
            headers.add(MirrorHeaders.RESPONSE_TOPIC, utf8(p.responseTopic()));
        }
        if (p.correlationData() != null) {
            headers.add(MirrorHeaders.CORRELATION_DATA, p.correlationData()); // binary, as the publisher sent it
        }
        for (UserProperty user : p.userProperties()) {
            headers.add(MirrorHeaders.USER_PROPERTY_PREFIX + user.name(), utf8(user.value()));
        }
    }

    /** The properties {@link #add} wrote; {@link PublishProperties#NONE} when there are none (or unreadable ones). */
    public static PublishProperties read(Headers headers) {
        int format = -1;
        long expiry = -1;
        String contentType = null;
        String responseTopic = null;
        byte[] correlation = null;
        List<UserProperty> user = null;
        boolean any = false;
        for (Header h : headers) {
            String key = h.key();
            if (!key.startsWith("mqtt.") || h.value() == null) {
                continue;
            }
            switch (key) {
                case MirrorHeaders.PAYLOAD_FORMAT -> format = 1;
                case MirrorHeaders.MESSAGE_EXPIRY -> {
                    try {
                        expiry = Long.parseLong(string(h));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                }
                case MirrorHeaders.CONTENT_TYPE -> contentType = string(h);
                case MirrorHeaders.RESPONSE_TOPIC -> responseTopic = string(h);
                case MirrorHeaders.CORRELATION_DATA -> correlation = h.value();
                default -> {
                    if (!key.startsWith(MirrorHeaders.USER_PROPERTY_PREFIX)) {
                        continue;
                    }
                    if (user == null) {
                        user = new ArrayList<>(2);
                    }
                    user.add(new UserProperty(key.substring(MirrorHeaders.USER_PROPERTY_PREFIX.length()), string(h)));
                }
            }
            any = true;
        }
        return any ? new PublishProperties(format, expiry, contentType, responseTopic, correlation,
                user == null ? List.of() : List.copyOf(user), 0, List.of()) : PublishProperties.NONE;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(Header h) {
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
