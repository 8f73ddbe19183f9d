package dev.tributary.bench.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.tributary.testsupport.MqttBytes;

/**
 * Turns seed sessions into hostile connections. Each connection is made from its own random stream
 * (the run's seed and the connection's number), so the same seed sends the same bytes on every
 * connection again, and one connection can be replayed alone.
 *
 * <p>A connection starts from one recorded session (mostly a client's, sometimes the broker's side,
 * which an edge must never accept from a client); half of them get a recorded MQTT 3.1 or 3.1.1
 * CONNECT in front, so the edge gets past CONNECT and its protocol engine sees what follows. Then 0 to
 * 4 of the mutations of {@link Kind} are applied.
 */
public final class Mutator {

    /** The mutations. */
    public enum Kind {
        /** One bit of one packet flipped. */
        BIT_FLIP,
        /** 1 to 8 random bytes inserted into a packet. */
        INSERT,
        /** 1 to 8 bytes taken out of a packet. */
        DELETE,
        /** The remaining length [MQTT-2.2.3] rewritten: off by one, a boundary, the maximum, 5 bytes long, or not minimal. */
        REMAINING_LENGTH,
        /** A packet cut short at any byte, in the middle of a field. */
        TRUNCATE,
        /** A packet of another session put in at any place. */
        SPLICE,
        /** Two packets swapped. */
        REORDER,
        /** A packet repeated 2 to 50 times. */
        DUPLICATE,
        /** A two-byte length inside a packet set to 0xFFFF or at random, or a packet larger than the edge takes. */
        OVERSIZE,
        /** The packet type changed (reserved 0 and 15, server-only types). */
        TYPE,
        /** The fixed header's flags set at random [MQTT-2.2.2]. */
        FLAGS
    }

    /** How a connection ends after its bytes are written. */
    public enum Ending {
        /** Output shut down (FIN), answers read until the edge closes. */
        HALF_CLOSE,
        /** A short wait for answers, then closed by the client. */
        WAIT_AND_CLOSE,
        /** Closed at once with an RST (SO_LINGER 0). */
        RESET
    }

    /** One hostile connection: its packets (each counted as one sent), over WebSocket or TCP, and how it ends. */
    public record Attempt(long number, boolean webSocket, List<byte[]> packets, List<Kind> mutations, Ending ending,
            String seed) {

        /** The bytes of all packets, in order. */
        public byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            packets.forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

    /** Beyond the edge's default largest packet (1 MiB): sent whole now and then, to be refused. */
    static final int OVERSIZE_BODY = 1_048_576 + 64;
    private static final int[] LENGTH_BOUNDARIES = { 0, 1, 2, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455 };

    private final Corpus corpus;
    private final List<Corpus.Session> clients;
    private final List<byte[]> connects;
    private final long seed;

    public Mutator(Corpus corpus, long seed) {
        this.corpus = corpus;
        this.seed = seed;
        this.clients = corpus.clientSessions();
        this.connects = clients.stream().filter(s -> !s.level().equals("5")).map(s -> s.packets().get(0)).toList();
    }

    /** Connection {@code number} of the run: the same for the same seed and number. */
    public Attempt attempt(long number) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + number);
        boolean webSocket = random.nextInt(4) == 0;
        Corpus.Session session = random.nextInt(100) < 85 ? clients.get(random.nextInt(clients.size()))
                : corpus.sessions().get(random.nextInt(corpus.sessions().size()));
        List<byte[]> packets = new ArrayList<>();
        if (random.nextBoolean() || !session.fromClient()) {
            packets.add(connects.get(random.nextInt(connects.size())).clone());
            session.packets().stream().skip(session.fromClient() ? 1 : 0).forEach(p -> packets.add(p.clone()));
        } else {
            session.packets().forEach(p -> packets.add(p.clone()));
        }
        int count = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(4);
        List<Kind> mutations = new ArrayList<>(count);
        for (int i = 0; i < count && !packets.isEmpty(); i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            mutate(kind, packets, random);
            mutations.add(kind);
        }
        int end = random.nextInt(100);
        Ending ending = end < 80 ? Ending.HALF_CLOSE : end < 95 ? Ending.WAIT_AND_CLOSE : Ending.RESET;
        return new Attempt(number, webSocket, packets, mutations, ending, session.header());
    }

    private void mutate(Kind kind, List<byte[]> packets, SplittableRandom random) {
        int index = random.nextInt(packets.size());
        byte[] packet = packets.get(index);
        if (packet.length == 0) {
            return; // cut to nothing by an earlier mutation
        }
        switch (kind) {
            case BIT_FLIP -> packet[random.nextInt(packet.length)] ^= (byte) (1 << random.nextInt(8));
            case INSERT -> {
                byte[] extra = new byte[1 + random.nextInt(8)];
                random.nextBytes(extra);
                packets.set(index, insert(packet, random.nextInt(packet.length + 1), extra));
            }
            case DELETE -> {
                int from = random.nextInt(packet.length);
                int to = Math.min(packet.length, from + 1 + random.nextInt(8));
                packets.set(index, concat(Arrays.copyOfRange(packet, 0, from), Arrays.copyOfRange(packet, to, packet.length)));
            }
            case REMAINING_LENGTH -> packets.set(index, withRemainingLength(packet, random));
            case TRUNCATE -> packets.set(index, Arrays.copyOf(packet, random.nextInt(packet.length)));
            case SPLICE -> {
                Corpus.Session other = corpus.sessions().get(random.nextInt(corpus.sessions().size()));
                if (!other.packets().isEmpty()) {
                    packets.add(random.nextInt(packets.size() + 1), other.packets().get(random.nextInt(other.packets().size())).clone());
                }
            }
            case REORDER -> {
                int other = random.nextInt(packets.size());
                packets.set(index, packets.get(other));
                packets.set(other, packet);
            }
            case DUPLICATE -> {
                int times = 1 + random.nextInt(49);
                for (int i = 0; i < times; i++) {
                    packets.add(index, packet.clone());
                }
            }
            case OVERSIZE -> packets.set(index, oversize(packet, random));
            case TYPE -> {
                int[] types = { 0, 2, 9, 11, 13, 15, random.nextInt(16) };
                packet[0] = (byte) ((types[random.nextInt(types.length)] << 4) | (packet[0] & 0x0F));
            }
            case FLAGS -> packet[0] = (byte) ((packet[0] & 0xF0) | random.nextInt(16));
        }
    }

    /** The packet with its remaining length replaced, its body kept. */
    private static byte[] withRemainingLength(byte[] packet, SplittableRandom random) {
        int bodyStart = bodyStart(packet);
        byte[] body = Arrays.copyOfRange(packet, Math.min(bodyStart, packet.length), packet.length);
        int choice = random.nextInt(6);
        byte[] length = switch (choice) {
            case 0 -> varint(Math.max(0, body.length + (random.nextBoolean() ? 1 : -1)));
            case 1 -> varint(LENGTH_BOUNDARIES[random.nextInt(LENGTH_BOUNDARIES.length)]);
            case 2 -> new byte[] { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F }; // five bytes: malformed
            case 3 -> new byte[] { (byte) 0x80, (byte) 0x80, 0 }; // zero, not minimally encoded
            case 4 -> new byte[] { (byte) 0x80 }; // continuation with nothing after it
            default -> varint(random.nextInt(268_435_456));
        };
        return concat(new byte[] { packet[0] }, concat(length, body));
    }

    /** A two-byte length field set to 0xFFFF or at random, or (rarely) a PUBLISH larger than the edge's largest packet. */
    private static byte[] oversize(byte[] packet, SplittableRandom random) {
        if (random.nextInt(50) == 0) {
            byte[] body = new byte[OVERSIZE_BODY];
            body[1] = 3;
            body[2] = 'a';
            body[3] = '/';
            body[4] = 'b';
            return MqttBytes.packet(0x30, body);
        }
        int bodyStart = bodyStart(packet);
        if (packet.length < bodyStart + 2) {
            return packet;
        }
        int at = bodyStart + random.nextInt(packet.length - bodyStart - 1);
        int value = random.nextBoolean() ? 0xFFFF : random.nextInt(0x10000);
        packet[at] = (byte) (value >> 8);
        packet[at + 1] = (byte) value;
        return packet;
    }

    /** Where the body starts: after the first byte and the remaining length's bytes (as far as they go). */
    private static int bodyStart(byte[] packet) {
        int at = 1;
        while (at < packet.length && at < 5 && (packet[at] & 0x80) != 0) {
            at++;
        }
        return Math.min(at + 1, packet.length);
    }

    private static byte[] varint(int value) {
        return MqttBytes.remainingLength(value);
    }

    private static byte[] insert(byte[] packet, int at, byte[] extra) {
        return concat(concat(Arrays.copyOfRange(packet, 0, at), extra), Arrays.copyOfRange(packet, at, packet.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
