package dev.tributary.edge.protocol;

import java.time.Duration;

import dev.tributary.common.topic.TopicLimits;

/**
 * The bounds and identity rules the protocol state machine applies (the transport enforces packet
 * size and connections). {@code certificateCnAsUsername}: a verified client certificate's CN
 * replaces the CONNECT's user name.
 */
public record ProtocolLimits(TopicLimits topics, int maxClientIdLength, boolean allowAnonymous, Duration connectTimeout,
        boolean certificateCnAsUsername) {

    public ProtocolLimits(TopicLimits topics, int maxClientIdLength, boolean allowAnonymous, Duration connectTimeout) {
        this(topics, maxClientIdLength, allowAnonymous, connectTimeout, false);
    }
}
