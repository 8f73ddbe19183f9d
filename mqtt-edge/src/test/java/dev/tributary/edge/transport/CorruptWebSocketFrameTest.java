package dev.tributary.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tributary.common.topic.TopicLimits;
import dev.tributary.edge.auth.AllowAll;
import dev.tributary.edge.metrics.EdgeMetrics;
import dev.tributary.edge.protocol.Broker;
import dev.tributary.edge.protocol.ProtocolLimits;
import dev.tributary.edge.retained.InMemoryRetainedStore;
import dev.tributary.edge.session.InMemorySessionStore;
import dev.tributary.edge.session.SessionRegistry;
import dev.tributary.edge.subscriptions.TopicTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.mqtt.MqttDecoder;

/**
 * A client's broken WebSocket frames (a continuation outside a fragmented message, a text frame that
 * is not UTF-8, a frame over the limit) are bad input like a malformed MQTT packet: the client loses
 * its connection, the operator gets one line and the protocol-violation metric. The fuzzer
 * (./tributary fuzz) found each of them logged as an unexpected error with its stack trace, 20 lines
 * per connection a client can open at will.
 */
class CorruptWebSocketFrameTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);
    private final TopicTree tree = new TopicTree();
    private final Broker broker = new Broker(new SessionRegistry(tree, new InMemorySessionStore(), metrics, 16, 100),
            tree, new InMemoryRetainedStore(), m -> CompletableFuture.completedFuture(null), new AllowAll(),
            new AllowAll(), metrics, new ProtocolLimits(new TopicLimits(256, 8), 64, true, Duration.ofSeconds(5)));
    private final EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(), new MqttConnectionHandler(broker));
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger(MqttConnectionHandler.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void close() {
        log.removeHandler(capture);
        channel.finishAndReleaseAll();
    }

    @Test
    void aCorruptWebSocketFrame_closesTheConnectionAsAProtocolViolation_withoutAWarningOrStackTrace() {
        log.addHandler(capture);

        channel.pipeline().fireExceptionCaught(new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                "received continuation data frame outside fragmented message"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(registry.counter("tributary.mqtt.disconnects", "reason", "protocol_violation").count()).isEqualTo(1);
        assertThat(logged).as("warnings or stack traces from a client's bad frame")
                .noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue() || r.getThrown() != null);
    }
}
