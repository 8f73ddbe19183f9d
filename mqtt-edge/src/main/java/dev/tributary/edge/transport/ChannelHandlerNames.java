package dev.tributary.edge.transport;

/** Names of the handlers in an MQTT connection's pipeline, in pipeline order. */
final class ChannelHandlerNames {

    /** Until a connection's first bytes arrive on a port that serves both: replaced by TLS or removed. */
    static final String TLS_DETECTOR = "tlsDetector";
    static final String TLS = "tls";
    static final String HTTP_CODEC = "httpCodec";
    static final String HTTP_AGGREGATOR = "httpAggregator";
    static final String WEBSOCKET_GATE = "webSocketGate";
    static final String WEBSOCKET_PROTOCOL = "webSocketProtocol";
    static final String WEBSOCKET_FRAMES = "webSocketFrames";
    static final String DECODER = "mqttDecoder";
    static final String CONNECTION = "mqttConnection";

    private ChannelHandlerNames() {
    }
}
