package dev.halfmoon.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.function.LongSupplier;

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
    /** How long a frame may take to arrive once its first byte has: longer is a stalled or slow-loris peer. */
    static final long FRAME_DEADLINE_MS = 60_000;

    private final long deadlineNanos;
    private final LongSupplier nanoTime;
    private final PartialFrames partials;
    /** When the frame now partly read began to arrive, or -1. */
    private long partialSince = -1;
    /** The bytes of the frame now partly read, as counted in {@link #partials}. */
    private int partialBytes;
    private boolean refused;

    public FrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, PartialFrames.UNLIMITED);
    }

    FrameDecoder(int maxFrameBytes, PartialFrames partials) {
        this(maxFrameBytes, FRAME_DEADLINE_MS, System::nanoTime, partials);
    }

    FrameDecoder(int maxFrameBytes, long deadlineMs, LongSupplier nanoTime, PartialFrames partials) {
        super(maxFrameBytes, 0, 4, 0, 4);
        this.deadlineNanos = deadlineMs * 1_000_000;
        this.nanoTime = nanoTime;
        this.partials = partials;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            refuseStalledFrame(in);
            count(in.readableBytes());
            return null;
        }
        partialSince = -1;
        count(0);
        try {
            return decodeFrame(frame);
        } finally {
            frame.release();
        }
    }

    /** Counts the bytes of the incomplete frame; refuses it if that takes the endpoint's over its budget. */
    private void count(int now) {
        if (now == partialBytes || partials == PartialFrames.UNLIMITED || refused) {
            return;
        }
        int before = partialBytes;
        partialBytes = 0;
        if (!partials.change(before, now)) {
            refused = true; // (the connection closes; what is left of its buffer is not judged again)
            throw new RemotingDecodeException("incomplete frames hold " + (partials.held() >> 20) + " MiB across "
                    + "connections, the most this endpoint keeps; this one's (" + now + " bytes so far) is refused");
        }
        partialBytes = now;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        partials.change(partialBytes, 0);
        partialBytes = 0;
    }

    /**
     * A connection holding a partial frame (up to the largest frame of memory) must complete it in time: a peer that
     * sends a byte now and then would keep its idle timer from firing for ever.
     */
    private void refuseStalledFrame(ByteBuf in) {
        if (!in.isReadable()) {
            partialSince = -1;
            return;
        }
        long now = nanoTime.getAsLong();
        if (partialSince < 0) {
            partialSince = now;
        } else if (now - partialSince > deadlineNanos) {
            throw new RemotingDecodeException("a frame begun " + (now - partialSince) / 1_000_000_000 + " s ago is still "
                    + "incomplete (" + in.readableBytes() + " bytes so far): a stalled or too slow peer");
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
        ByteBuf header = frame.readSlice(headerLength); // (read where it is, before the frame is released)
        byte[] body = null;
        if (frame.isReadable()) {
            body = new byte[frame.readableBytes()];
            frame.readBytes(body);
        }
        return HeaderCodec.decode(type, header, body);
    }
}
