package dev.halfmoon.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes a {@link RemotingCommand} into one frame (see {@link FrameDecoder}). A body made of
 * buffers is appended by reference, not copied. Stateless; shared by every channel.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<RemotingCommand> {
    @Override
    protected void encode(ChannelHandlerContext ctx, RemotingCommand cmd, List<Object> out) {
        out.add(encode(ctx.alloc().buffer(), cmd));
    }

    /** Encodes {@code cmd}, the header into {@code head} and the body after it. */
    static ByteBuf encode(ByteBuf head, RemotingCommand cmd) {
        int start = head.writerIndex();
        head.writeZero(8); // length and header word, known once the header is written
        HeaderCodec.encode(cmd, head);
        int headerLength = head.writerIndex() - start - 8;
        int bodyLength = cmd.bodyLength();
        head.setInt(start, 4 + headerLength + bodyLength);
        head.setInt(start + 4, (cmd.serializeType().code() << 24) | (headerLength & 0xFFFFFF));
        ByteBuffer[] parts = cmd.bodyParts();
        if (parts.length == 0) {
            byte[] body = cmd.body();
            if (body != null) {
                head.writeBytes(body);
            }
            return head;
        }
        CompositeByteBuf frame = Unpooled.compositeBuffer(parts.length + 1);
        frame.addComponent(true, head);
        for (ByteBuffer part : parts) {
            frame.addComponent(true, Unpooled.wrappedBuffer(part.duplicate()));
        }
        return frame;
    }
}
