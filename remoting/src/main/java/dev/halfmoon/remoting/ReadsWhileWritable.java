package dev.halfmoon.remoting;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Stops reading from a connection whose answers pile up unread (more than {@link #MARK}'s high mark waiting to be
 * written), until they drain below its low mark: a client that sends requests without reading the responses cannot
 * make the server hold them without bound. If it never reads again, the connection's idle timer closes it. Only on
 * the server side: a client that also stopped reading could wait for a server that waits for it. Stateless.
 */
@ChannelHandler.Sharable
final class ReadsWhileWritable extends ChannelInboundHandlerAdapter {
    static final ReadsWhileWritable INSTANCE = new ReadsWhileWritable();
    /** Far above what a client that reads has waiting (a pull's answer is at most a few MiB). */
    static final WriteBufferWaterMark MARK = new WriteBufferWaterMark(4 << 20, 8 << 20);

    private ReadsWhileWritable() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
