package dev.tributary.edge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.tributary.edge.mqtt.PublishProperties;
import dev.tributary.edge.mqtt.UserProperty;

/** MQTT 5 properties survive the trip through Kafka headers (retained topic, other edges' inboxes). */
class PropertyHeadersTest {

    @Test
    void everyCarriedProperty_isReadBackAsWritten_userPropertiesInOrder() {
        PublishProperties sent = new PublishProperties(1, 90, "text/plain", "a/reply", new byte[] { 0, (byte) 0xFF },
                List.of(new UserProperty("b", "2"), new UserProperty("a", "1"), new UserProperty("b", "3")), 0, List.of());
        RecordHeaders headers = new RecordHeaders();
        headers.add("mqtt.topic", "t".getBytes());
        PropertyHeaders.add(headers, sent);
        PublishProperties read = PropertyHeaders.read(headers);
        assertThat(read.payloadFormat()).isEqualTo(1);
        assertThat(read.messageExpirySeconds()).isEqualTo(90);
        assertThat(read.contentType()).isEqualTo("text/plain");
        assertThat(read.responseTopic()).isEqualTo("a/reply");
        assertThat(read.correlationData()).containsExactly(0, 0xFF);
        assertThat(read.userProperties()).containsExactly(new UserProperty("b", "2"), new UserProperty("a", "1"),
                new UserProperty("b", "3"));
    }

    @Test
    void aRecordWithoutProperties_readsAsNone() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("mqtt.topic", "t".getBytes());
        headers.add("mqtt.qos", "1".getBytes());
        PropertyHeaders.add(headers, PublishProperties.NONE);
        assertThat(PropertyHeaders.read(headers)).isSameAs(PublishProperties.NONE);
    }
}
