package dev.tributary.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaTailTest {

    @Test
    void aRecord_isPrintedWithItsKeyHeadersAndTextValue() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("tributary.fleet.raw", 2, 17, "v1".getBytes(),
                "{\"speed\":3}".getBytes());
        record.headers().add("mqtt.topic", "fleet/v1/telemetry".getBytes());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        KafkaTail.print(record, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("tributary.fleet.raw-2@17 ")
                .contains(" key=v1 mqtt.topic=fleet/v1/telemetry\n  {\"speed\":3}");
    }

    @Test
    void binaryBytes_arePrintedAsHex_andTextAsIs() {
        assertThat(KafkaTail.text(new byte[] { 0, 1, (byte) 0xff })).isEqualTo("0x0001ff");
        assertThat(KafkaTail.text("zürich".getBytes(StandardCharsets.UTF_8))).isEqualTo("zürich");
        assertThat(KafkaTail.text("a\u0001b".getBytes(StandardCharsets.UTF_8))).isEqualTo("0x610162");
    }

    @Test
    void bytesThatWouldDriveTheTerminal_arePrintedAsHex() {
        for (String hostile : new String[] { "\u001b[2J", "a\u007fb", "\u009b31m", "x\u202ey" }) {
            assertThat(KafkaTail.text(hostile.getBytes(StandardCharsets.UTF_8))).as(hostile).startsWith("0x");
        }
    }
}
