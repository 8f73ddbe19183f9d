package dev.tributary.edge.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import dev.tributary.edge.mqtt.Packet;

/**
 * What an MQTT 5 connection holds beyond a 3.1.1 one: what the client asked for in CONNECT, the session
 * expiry interval in force, and the topic aliases the client set up [MQTT-3.3.2-10 .. 3.3.2-12]. Used on the
 * connection's thread only.
 */
final class ConnectionV5 {

    final Packet.ConnectProperties requested;
    /** The interval in force: the client's, cut to the node's maximum, changed by DISCONNECT. */
    long sessionExpirySeconds;
    /** Topics by alias, 1..topic alias maximum; created at the first alias. */
    private String[] aliases;
    private final int aliasMaximum;

    ConnectionV5(Packet.ConnectProperties requested, long sessionExpirySeconds, int aliasMaximum) {
        this.requested = requested;
        this.sessionExpirySeconds = sessionExpirySeconds;
        this.aliasMaximum = aliasMaximum;
    }

    /**
     * The topic a PUBLISH names: its topic name, which an alias then stands for, or the topic the alias
     * stands for when the name is empty. Throws with the DISCONNECT reason code when the alias is invalid.
     */
    String resolveTopic(String topic, int alias) throws Refused {
        if (alias == 0) {
            return topic;
        }
        if (alias < 0 || alias > aliasMaximum) {
            // [MQTT-3.3.2-8] 0 is not an alias; [MQTT-3.3.2-9] nor is one above the maximum we announced
            throw new Refused(0x94, "topic alias " + Math.max(alias, 0) + " outside 1.." + aliasMaximum);
        }
        if (aliases == null) {
            aliases = new String[aliasMaximum + 1];
        }
        if (!topic.isEmpty()) {
            aliases[alias] = topic; // [MQTT-3.3.2-12] the alias now stands for this topic
            return topic;
        }
        String known = aliases[alias];
        if (known == null) {
            throw new Refused(0x82, "topic alias " + alias + " used before it was set"); // [MQTT-3.3.4 protocol error]
        }
        return known;
    }

    /** [MQTT-3.3.2-4] a payload said to be UTF-8 has to be. */
    static boolean isUtf8(byte[] payload) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** A packet the connection refuses with an MQTT 5 reason code. */
    static final class Refused extends Exception {
        final int reasonCode;

        Refused(int reasonCode, String message) {
            super(message, null, false, false);
            this.reasonCode = reasonCode;
        }
    }
}
