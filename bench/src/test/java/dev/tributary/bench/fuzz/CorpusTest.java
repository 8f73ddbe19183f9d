package dev.tributary.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tributary.testsupport.MqttBytes;

class CorpusTest {

    private static final Corpus CORPUS = Corpus.load();

    /** Every packet a client sends in that protocol version, but MQTT 5's AUTH (no recorded client uses enhanced authentication). */
    private static final Set<String> CLIENT_PACKETS = Set.of("CONNECT", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
            "SUBSCRIBE", "UNSUBSCRIBE", "PINGREQ", "DISCONNECT");

    @ParameterizedTest
    @ValueSource(strings = { "3.1", "3.1.1", "5" })
    void theRecordedClients_sendEveryClientPacket_atEachProtocolLevel(String level) {
        Set<String> seen = new TreeSet<>();
        CORPUS.clientSessions().stream().filter(s -> s.level().equals(level))
                .forEach(s -> s.packets().forEach(p -> seen.add(MqttBytes.typeName(p[0]))));
        assertThat(seen).containsAll(CLIENT_PACKETS);
    }

    /** [MQTT-3.1.2-1] names and levels: MQIsdp 3 (3.1), MQTT 4 (3.1.1), MQTT 5 (5.0). */
    @Test
    void eachSessionsConnect_carriesTheProtocolNameAndLevelOfItsHeader() {
        Map<String, String> expected = Map.of("3.1", "MQIsdp/3", "3.1.1", "MQTT/4", "5", "MQTT/5");
        List<Corpus.Session> clients = CORPUS.clientSessions();
        assertThat(clients).hasSizeGreaterThanOrEqualTo(16);
        for (Corpus.Session session : clients) {
            byte[] connect = session.packets().get(0);
            assertThat(MqttBytes.typeName(connect[0])).as(session.header()).isEqualTo("CONNECT");
            int at = 1;
            while ((connect[at++] & 0x80) != 0) {
                // the remaining length's bytes [MQTT-2.2.3]
            }
            int nameLength = connect[at + 1];
            String name = new String(connect, at + 2, nameLength, java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(name + "/" + connect[at + 2 + nameLength]).as(session.header()).isEqualTo(expected.get(session.level()));
        }
    }

    @Test
    void theBrokersSide_isStoredToo_asHostileInputForTheEdge() {
        Set<String> seen = new TreeSet<>();
        CORPUS.sessions().stream().filter(s -> !s.fromClient()).forEach(s -> s.packets().forEach(p -> seen.add(MqttBytes.typeName(p[0]))));
        assertThat(seen).contains("CONNACK", "SUBACK", "UNSUBACK", "PINGRESP", "PUBLISH");
    }
}
