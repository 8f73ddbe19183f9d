package dev.tributary.edge.codec;

/** A decoded packet that breaks a rule Netty's decoder does not check. */
public final class MalformedPacketException extends Exception {

    public MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
