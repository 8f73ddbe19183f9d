package dev.tributary.bench.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.tributary.testsupport.MqttBytes;

/**
 * The fuzzer's seeds: whole sessions of real MQTT clients (HiveMQ MQTT client, Eclipse Paho,
 * mosquitto_pub and mosquitto_sub) at protocol levels 3.1, 3.1.1 and 5, as their bytes crossed a
 * recording proxy on the way to Mosquitto, and the broker's side of each session. Stored in
 * {@code fuzz/corpus.txt} (a resource of this module), recorded again by {@code FuzzCorpusIT}.
 *
 * <p>The file: a section per session and direction, {@code [client level direction]}, then a line
 * per packet, its type name and its bytes in hex. Lines starting with # are comments.
 */
public record Corpus(List<Session> sessions) {

    public static final String RESOURCE = "/fuzz/corpus.txt";

    /** One direction of one recorded connection: what the client sent ({@code fromClient}) or what the broker sent. */
    public record Session(String client, String level, boolean fromClient, List<byte[]> packets) {

        public String header() {
            return "[" + client + " " + level + " " + (fromClient ? "client" : "broker") + "]";
        }
    }

    /** The stored corpus. */
    public static Corpus load() {
        try (InputStream in = Corpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Corpus parse(String text) {
        List<Session> sessions = new ArrayList<>();
        String[] header = null;
        List<byte[]> packets = null;
        int number = 0;
        for (String line : text.split("\n")) {
            number++;
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (header != null) {
                    sessions.add(new Session(header[0], header[1], header[2].equals("client"), List.copyOf(packets)));
                }
                header = line.substring(1, line.length() - 1).split(" ");
                if (header.length != 3 || !(header[2].equals("client") || header[2].equals("broker"))) {
                    throw new IllegalArgumentException("line " + number + ": not a [client level client|broker] header: " + line);
                }
                packets = new ArrayList<>();
                continue;
            }
            if (packets == null) {
                throw new IllegalArgumentException("line " + number + ": a packet before the first session header");
            }
            String[] fields = line.split(" ");
            byte[] packet = MqttBytes.fromHex(fields[fields.length - 1]);
            if (MqttBytes.split(packet).size() != 1 || !MqttBytes.typeName(packet[0]).equals(fields[0])) {
                throw new IllegalArgumentException("line " + number + ": not one whole " + fields[0] + " packet");
            }
            packets.add(packet);
        }
        if (header != null) {
            sessions.add(new Session(header[0], header[1], header[2].equals("client"), List.copyOf(packets)));
        }
        return new Corpus(List.copyOf(sessions));
    }

    /** The file's text, {@code comment} first. */
    public String format(String comment) {
        StringBuilder out = new StringBuilder();
        comment.lines().forEach(l -> out.append("# ").append(l).append('\n'));
        for (Session session : sessions) {
            out.append('\n').append(session.header()).append('\n');
            for (byte[] packet : session.packets()) {
                out.append(MqttBytes.typeName(packet[0])).append(' ').append(MqttBytes.hex(packet)).append('\n');
            }
        }
        return out.toString();
    }

    /** The sessions in which clients speak. */
    public List<Session> clientSessions() {
        return sessions.stream().filter(Session::fromClient).toList();
    }
}
