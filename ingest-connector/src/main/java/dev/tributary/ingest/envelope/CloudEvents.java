package dev.tributary.ingest.envelope;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Headers;

/**
 * The curated record's envelope: CloudEvents 1.0 in the binary content mode of its Kafka protocol
 * binding (cloudevents/spec, {@code cloudevents/bindings/kafka-protocol-binding.md} §3.2): each
 * context attribute is a header named {@code ce_<attribute>} with the attribute's value as UTF-8,
 * {@code datacontenttype} is the {@code content-type} header, the event data is the record value and
 * the record key is the device id. Written by hand: these few headers are the whole binding.
 */
public final class CloudEvents {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    /** Kafka protocol binding §3.2.1: {@code datacontenttype} maps to this header, without the prefix. */
    public static final String CONTENT_TYPE = "content-type";

    private static final byte[] VERSION_1_0 = bytes("1.0");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private CloudEvents() {
    }

    /**
     * Adds the context attributes of one event to {@code headers}.
     *
     * @param id unique per event and the same when the same raw record is curated again
     * @param mqttTopic the source: the MQTT topic the device published on
     * @param receivedMillis the edge's receive time (the raw record's timestamp)
     */
    public static void write(Headers headers, String id, String mqttTopic, String type, long receivedMillis,
            String subject, String contentType) {
        headers.add(SPEC_VERSION, VERSION_1_0);
        headers.add(ID, bytes(id));
        headers.add(SOURCE, bytes(source(mqttTopic)));
        headers.add(TYPE, bytes(type));
        // RFC 3339 in UTC, as the spec's Timestamp type asks
        headers.add(TIME, bytes(Instant.ofEpochMilli(receivedMillis).toString()));
        headers.add(SUBJECT, bytes(subject));
        headers.add(CONTENT_TYPE, bytes(contentType));
    }

    /**
     * {@code source} is a URI-reference (RFC 3986); an MQTT topic name may hold characters one cannot,
     * so those are percent-encoded as UTF-8 (a fleet topic such as {@code fleet/v1/telemetry} stays as it is).
     */
    static String source(String mqttTopic) {
        StringBuilder out = null;
        byte[] utf8 = null;
        for (int i = 0; i < mqttTopic.length(); i++) {
            char c = mqttTopic.charAt(i);
            if (!allowedInPath(c)) {
                utf8 = mqttTopic.getBytes(StandardCharsets.UTF_8);
                break;
            }
        }
        if (utf8 == null) {
            return mqttTopic;
        }
        out = new StringBuilder(utf8.length * 2);
        for (byte b : utf8) {
            char c = (char) (b & 0xff);
            if (b >= 0 && allowedInPath(c)) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    /** RFC 3986 pchar and "/", without "%" (so that a literal "%" is encoded too). */
    private static boolean allowedInPath(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
