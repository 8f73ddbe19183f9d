package dev.tributary.edge.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The value of a record of the sessions topic (key: the client id; a tombstone when the session ends). Binary,
 * version 1, big-endian; a string is an unsigned 16-bit byte length and UTF-8:
 * <pre>
 * version        u8      1
 * owner          string  node holding the session; empty while offline
 * last owner     string  node that held it last (offline records), else empty
 * resume         i32 partition, i64 offset: where its offline queue starts; -1, -1 for none
 * subscriptions  u16 count, then per filter: string filter, u8 granted QoS
 * awaiting       u16 count, then u16 inbound QoS 2 packet ids awaiting PUBREL
 * released       u16 count, then u16 outbound QoS 2 packet ids released (awaiting PUBCOMP)
 * </pre>
 * A reader skips bytes after what its version knows, so later versions may append fields.
 */
record SessionRecord(String owner, String lastOwner, int resumePartition, long resumeOffset,
        Map<String, Integer> subscriptions, Set<Integer> awaitingRelease, Set<Integer> released) {

    static final int VERSION = 1;

    boolean offline() {
        return owner.isEmpty();
    }

    SessionRecord withOwner(String node, String last) {
        return new SessionRecord(node, last, resumePartition, resumeOffset, subscriptions, awaitingRelease, released);
    }

    SessionRecord withSubscriptions(Map<String, Integer> subs) {
        return new SessionRecord(owner, lastOwner, resumePartition, resumeOffset, subs, awaitingRelease, released);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            string(out, owner);
            string(out, lastOwner);
            out.writeInt(resumePartition);
            out.writeLong(resumeOffset);
            out.writeShort(subscriptions.size());
            for (Map.Entry<String, Integer> s : subscriptions.entrySet()) {
                string(out, s.getKey());
                out.writeByte(s.getValue());
            }
            ids(out, awaitingRelease);
            ids(out, released);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The record {@code value} holds; null when it is unreadable (the caller skips it with a log line and a metric). */
    static SessionRecord decode(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value))) {
            int version = in.readUnsignedByte();
            if (version < 1) {
                return null;
            }
            String owner = string(in);
            String lastOwner = string(in);
            int partition = in.readInt();
            long offset = in.readLong();
            int count = in.readUnsignedShort();
            Map<String, Integer> subscriptions = new LinkedHashMap<>(Math.max(2, count * 2));
            for (int i = 0; i < count; i++) {
                String filter = string(in);
                int qos = in.readUnsignedByte();
                if (qos > 2 || filter.isEmpty()) {
                    return null;
                }
                subscriptions.put(filter, qos);
            }
            return new SessionRecord(owner, lastOwner, partition, offset, Collections.unmodifiableMap(subscriptions), ids(in),
                    ids(in));
        } catch (IOException | RuntimeException e) {
            return null; // truncated or not UTF-8: unreadable
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 65_535) {
            throw new IllegalArgumentException("string longer than 65535 bytes");
        }
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readUnsignedShort()];
        in.readFully(utf8);
        return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(utf8)).toString();
    }

    private static void ids(DataOutputStream out, Set<Integer> ids) throws IOException {
        out.writeShort(ids.size());
        for (int id : ids) {
            out.writeShort(id);
        }
    }

    private static Set<Integer> ids(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        Set<Integer> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            int id = in.readUnsignedShort();
            if (id == 0) {
                throw new IOException("packet id 0");
            }
            ids.add(id);
        }
        return Collections.unmodifiableSet(ids);
    }
}
