package dev.halfmoon.remoting;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One connection, as the layers above see it: who is on the other end, and a way to send it
 * requests (the broker's check-backs and notifications) or answer it. Thread-safe; one instance
 * per Netty channel.
 */
public final class RemotingChannel {
    private static final AttributeKey<RemotingChannel> KEY = AttributeKey.valueOf("halfmoon.remoting.channel");

    private final Channel channel;
    private final ResponseTable responses;
    private final String remoteAddress;

    private RemotingChannel(Channel channel, ResponseTable responses) {
        this.channel = channel;
        this.responses = responses;
        this.remoteAddress = format(channel.remoteAddress());
    }

    /** The wrapper of {@code channel}, created on first use. */
    static RemotingChannel of(Channel channel, ResponseTable responses) {
        RemotingChannel existing = channel.attr(KEY).get();
        if (existing != null) {
            return existing;
        }
        RemotingChannel created = new RemotingChannel(channel, responses);
        RemotingChannel raced = channel.attr(KEY).setIfAbsent(created);
        return raced == null ? created : raced;
    }

    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /** {@code ip:port} of the peer. */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** The peer's socket address. */
    public InetSocketAddress remoteSocketAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** Our end's socket address. */
    public InetSocketAddress localSocketAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public boolean isActive() {
        return channel.isActive();
    }

    public boolean isWritable() {
        return channel.isWritable();
    }

    /** Sends a oneway request: nothing comes back. */
    public CompletableFuture<Void> oneway(RemotingCommand request) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        channel.writeAndFlush(request.withOpaque(responses.nextOpaque()).asOneway()).addListener(f -> {
            if (f.isSuccess()) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(new RemotingException.Connect("send to " + remoteAddress + " failed", f.cause()));
            }
        });
        return sent;
    }

    /** Sends a request and waits (asynchronously) for its response, at most {@code timeoutMs}. */
    public CompletableFuture<RemotingCommand> request(RemotingCommand request, long timeoutMs) {
        int opaque = responses.nextOpaque();
        CompletableFuture<RemotingCommand> response = responses.expect(opaque, timeoutMs, remoteAddress, request.code(), channel);
        channel.writeAndFlush(request.withOpaque(opaque)).addListener(f -> {
            if (!f.isSuccess()) {
                responses.fail(opaque, new RemotingException.Connect("send to " + remoteAddress + " failed", f.cause()));
            }
        });
        return response;
    }

    /** Sends a response. */
    public void respond(RemotingCommand response) {
        channel.writeAndFlush(response);
    }

    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return "channel[" + remoteAddress + "]";
    }
}
