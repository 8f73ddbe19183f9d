package dev.tributary.edge.protocol;

import java.time.Duration;

import dev.tributary.common.topic.TopicLimits;

/** The bounds the protocol state machine enforces (the transport enforces packet size and connections). */
public record ProtocolLimits(TopicLimits topics, int maxClientIdLength, boolean allowAnonymous, Duration connectTimeout) {
}
