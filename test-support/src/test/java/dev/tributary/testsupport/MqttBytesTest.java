package dev.tributary.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MqttBytesTest {

    /** The boundaries of the table in [MQTT-2.2.3] (MQTT 3.1.1, 2.2.3 Remaining Length). */
    @ParameterizedTest
    @CsvSource({
            "0,       00",
            "127,     7F",
            "128,     80 01",
            "16383,   FF 7F",
            "16384,   80 80 01",
            "2097151, FF FF 7F",
            "2097152, 80 80 80 01" })
    void remainingLength_isEncodedAsTheSpecsTableSays_andReadsBack(int length, String expected) throws Exception {
        byte[] packet = MqttBytes.packet(0x30, new byte[length]);
        byte[] header = Arrays.copyOfRange(packet, 1, packet.length - length);
        assertThat(hex(header)).isEqualTo(expected);
        assertThat(MqttBytes.readRemainingLength(new ByteArrayInputStream(header))).isEqualTo(length);
    }

    @Test
    void connect_withCredentialsAndWill_isAWellFormed311Connect() {
        byte[] connect = MqttBytes.connect("c", 60, "u", "p".getBytes(StandardCharsets.UTF_8), "w", new byte[] { 9 });
        assertThat(hex(connect)).isEqualTo(
                "10 19" // CONNECT, remaining length 25
                + " 00 04 4D 51 54 54 04" // "MQTT", level 4 (3.1.1)
                + " C6 00 3C" // user name, password, will (QoS 0), clean session; keep alive 60
                + " 00 01 63" // client id "c"
                + " 00 01 77 00 01 09" // will topic "w", will message 0x09
                + " 00 01 75 00 01 70"); // user name "u", password "p"
    }

    /** [MQTT-3.1.2-4]: with clean session 0 the server resumes or keeps the session. */
    @Test
    void connectKeepingSession_hasTheCleanSessionFlagOff() {
        assertThat(hex(MqttBytes.connectKeepingSession("c", 60))).isEqualTo(
                "10 0D" // CONNECT, remaining length 13
                + " 00 04 4D 51 54 54 04" // "MQTT", level 4 (3.1.1)
                + " 00 00 3C" // no flags: clean session 0; keep alive 60
                + " 00 01 63"); // client id "c"
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(out.length() == 0 ? "" : " ").append(String.format("%02X", b & 0xFF));
        }
        return out.toString();
    }
}
