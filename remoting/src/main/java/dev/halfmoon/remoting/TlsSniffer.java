package dev.halfmoon.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import java.util.List;

/**
 * Permissive TLS: looks at a connection's first byte; a TLS handshake record (0x16) gets an SSL
 * handler, anything else stays plain. Removes itself either way.
 */
final class TlsSniffer extends ByteToMessageDecoder {
    private static final byte HANDSHAKE = 0x16;
    private final SslContext context;

    TlsSniffer(SslContext context) {
        this.context = context;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (in.getByte(in.readerIndex()) == HANDSHAKE) {
            ctx.pipeline().addAfter(ctx.name(), "ssl", context.newHandler(ctx.alloc()));
        }
        ctx.pipeline().remove(this);
    }
}
