package dev.tributary.edge.transport;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * MQTT over WebSocket is a byte stream carried in binary frames: a packet may span frames and a
 * frame may hold several packets [MQTT-6.0.0-2], so frame contents (continuations included) go
 * to the MQTT decoder as they come, and what the encoder writes leaves as binary frames. A text
 * frame breaks [MQTT-6.0.0-1] and closes the connection.
 */
@Sharable
final class WebSocketFrames extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    static final WebSocketFrames INSTANCE = new WebSocketFrames();

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
        out.add(new BinaryWebSocketFrame(bytes.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            out.add(frame.content().retain());
        } else {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE))
                    .addListener(f -> ctx.close());
        }
    }
}
