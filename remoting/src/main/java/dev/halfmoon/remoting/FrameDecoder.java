package dev.halfmoon.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into frames and decodes each into a {@link RemotingCommand}.
 *
 * <pre>
 * length int32 (4 + header + body, not counting itself) | headerWord int32 (type &lt;&lt; 24 | headerLength)
 * | header | body
 * </pre>
 * A frame longer than {@code maxFrameBytes} (length + 4), a header length beyond the frame, an
 * unknown serialize type or a header that does not decode raises {@link RemotingDecodeException}
 * (or Netty's {@code TooLongFrameException}); the pipeline then closes that channel only.
 * One instance per channel.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    public FrameDecoder(int maxFrameBytes) {
        super(maxFrameBytes, 0, 4, 0, 4);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        try {
            return decodeFrame(frame);
        } finally {
            frame.release();
        }
    }

    static RemotingCommand decodeFrame(ByteBuf frame) {
        int length = frame.readableBytes();
        if (length < 4) {
            throw new RemotingDecodeException("frame of " + length + " bytes has no header word");
        }
        int word = frame.readInt();
        SerializeType type = SerializeType.of((byte) (word >>> 24));
        int headerLength = word & 0xFFFFFF;
        if (type == null) {
            throw new RemotingDecodeException("unknown serialize type " + (word >>> 24));
        }
        if (headerLength > frame.readableBytes()) {
            throw new RemotingDecodeException("header length " + headerLength + " exceeds the frame (" + length + " bytes)");
        }
        byte[] header = new byte[headerLength];
        frame.readBytes(header);
        byte[] body = null;
        if (frame.isReadable()) {
            body = new byte[frame.readableBytes()];
            frame.readBytes(body);
        }
        return HeaderCodec.decode(type, header, body);
    }
}
