package dev.tributary.edge.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SessionRecordTest {

    private static SessionRecord sample() {
        Map<String, Integer> subscriptions = new LinkedHashMap<>();
        subscriptions.put("fleet/+/telemetry", 1);
        subscriptions.put("cmd/vehicle-7/#", 2);
        subscriptions.put("ünïcode/ℵ", 0);
        return new SessionRecord("", "edge-2", 5, 123_456_789_012L, subscriptions, Set.of(1, 65_535, 300), Set.of(7));
    }

    @Test
    void aRecordReadsBackAsWritten() {
        SessionRecord record = sample();
        assertThat(SessionRecord.decode(record.encode())).isEqualTo(record);
    }

    @Test
    void anOnlineRecordWithoutQueueReadsBack() {
        SessionRecord record = new SessionRecord("edge-1", "", -1, -1, Map.of(), Set.of(), Set.of());
        SessionRecord read = SessionRecord.decode(record.encode());
        assertThat(read).isEqualTo(record);
        assertThat(read.offline()).isFalse();
    }

    @Test
    void aLaterVersionWithMoreFieldsIsStillRead() {
        byte[] value = sample().encode();
        byte[] longer = Arrays.copyOf(value, value.length + 3);
        longer[0] = 2;
        assertThat(SessionRecord.decode(longer)).isEqualTo(sample());
    }

    @Test
    void aTruncatedRecordIsUnreadable() {
        byte[] value = sample().encode();
        for (int length = 0; length < value.length; length++) {
            assertThat(SessionRecord.decode(Arrays.copyOf(value, length))).as("first %d bytes", length).isNull();
        }
    }

    @Test
    void corruptRecordsAreUnreadable() {
        assertThat(SessionRecord.decode(null)).isNull();
        assertThat(SessionRecord.decode(new byte[] { 0 })).as("version 0").isNull();
        byte[] value = new SessionRecord("", "a", 0, 0, Map.of("t", 1), Set.of(), Set.of()).encode();
        // version, owner (2), last owner (3), resume (12), count (2), filter length (2) + "t": then the QoS byte
        int qos = 1 + 2 + 3 + 12 + 2 + 3;
        value[qos] = 3;
        assertThat(SessionRecord.decode(value)).as("QoS 3").isNull();
        byte[] badUtf8 = new SessionRecord("x", "", -1, -1, Map.of(), Set.of(), Set.of()).encode();
        badUtf8[3] = (byte) 0xC3; // a lead byte without its continuation
        assertThat(SessionRecord.decode(badUtf8)).as("not UTF-8").isNull();
        byte[] zeroId = new SessionRecord("", "", -1, -1, Map.of(), Set.of(9), Set.of()).encode();
        zeroId[zeroId.length - 3] = 0;
        zeroId[zeroId.length - 4] = 0;
        assertThat(SessionRecord.decode(zeroId)).as("packet id 0").isNull();
    }
}
