package dev.halfmoon.remoting;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A Netty client speaking the remoting protocol: one connection per {@code host:port}, opened on
 * first use and again after it closes. Sync, async and oneway requests; requests the server sends
 * back (check-backs, notifications) go to registered processors. Thread-safe.
 */
public final class RemotingClient implements AutoCloseable {
    private static final long SYNC_MARGIN_MS = 2000;
    private volatile boolean closed;
    private static final FrameEncoder ENCODER = new FrameEncoder();

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final CommandDispatcher dispatcher;
    private final ResponseTable responses = new ResponseTable();
    private final Map<String, ChannelFuture> channels = new ConcurrentHashMap<>();
    private final int connectTimeoutMs;
    private volatile io.netty.handler.ssl.SslContext tls;
    private volatile java.util.function.UnaryOperator<RemotingCommand> signer = java.util.function.UnaryOperator.identity();

    /** @param role short name for threads and logs */
    public RemotingClient(String role, int maxFrameBytes, int connectTimeoutMs) {
        Transport transport = new Transport(true);
        this.connectTimeoutMs = connectTimeoutMs;
        this.dispatcher = new CommandDispatcher(role, responses);
        this.group = transport.group(1, "halfmoon-" + role + "-client");
        this.bootstrap = new Bootstrap().group(group).channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        io.netty.handler.ssl.SslContext ssl = tls;
                        if (ssl != null) {
                            ch.pipeline().addLast("ssl", ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, 120, TimeUnit.SECONDS), ENCODER,
                                new FrameDecoder(maxFrameBytes), dispatcher);
                    }
                });
    }

    public RemotingClient(String role) {
        this(role, NettyConfig.DEFAULT_MAX_FRAME_BYTES, 3000);
    }

    /**
     * Connects with TLS from now on: verifying the server against the CA certificates in
     * {@code trustCertPath}, or trusting any server when it is null (encrypted, not authenticated).
     */
    public RemotingClient withTls(java.nio.file.Path trustCertPath) {
        this.tls = TlsConfig.clientContext(trustCertPath);
        return this;
    }

    /** As {@link #withTls(java.nio.file.Path)}, presenting {@code own} to servers that ask for a client certificate (null: none). */
    public RemotingClient withTls(java.nio.file.Path trustCertPath, TlsConfig.ClientCertificate own) {
        this.tls = TlsConfig.clientContext(trustCertPath, own);
        return this;
    }

    /** Signs every request it sends with these ACL credentials (RocketMQ's AclClientRPCHook scheme). */
    public RemotingClient withCredentials(String accessKey, String secretKey) {
        this.signer = request -> AclSignature.sign(request, accessKey, secretKey);
        return this;
    }

    /** Routes server-initiated requests with {@code code} to {@code processor}. */
    public RemotingClient register(int code, RequestProcessor processor, Executor executor) {
        dispatcher.register(code, processor, executor);
        return this;
    }

    /** The connection to {@code address} ({@code host:port}), opened if needed. */
    public CompletableFuture<RemotingChannel> channel(String address) {
        if (closed) { // (its event loop is gone: nothing would ever complete or time out a request)
            return CompletableFuture.failedFuture(new RemotingException.Connect("this client is closed", null));
        }
        ChannelFuture future = channels.compute(address, (addr, existing) -> {
            if (existing != null && (!existing.isDone() || existing.channel().isActive())) {
                return existing;
            }
            int colon = addr.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("address must be host:port, was " + addr);
            }
            return bootstrap.connect(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
        });
        CompletableFuture<RemotingChannel> result = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                result.complete(RemotingChannel.of(future.channel(), responses));
            } else {
                channels.remove(address, future);
                result.completeExceptionally(new RemotingException.Connect("cannot connect to " + address + ": "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }

    /** Sends a request to {@code address} and returns its response future. */
    public CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request, long timeoutMs) {
        RemotingCommand signed = signer.apply(request);
        return channel(address).thenCompose(ch -> ch.request(signed, timeoutMs));
    }

    /**
     * Sends a request and waits for the response.
     *
     * @throws RemotingException if it cannot connect, send, or the response does not come in time
     */
    public RemotingCommand invokeSync(String address, RemotingCommand request, long timeoutMs) {
        CompletableFuture<RemotingCommand> response = invokeAsync(address, request, timeoutMs);
        // The request times itself out once sent; the bound covers connecting too, should the event loop stop meanwhile.
        // An interrupt does not cut the wait short: the request may already be carried out, and a caller told it
        // failed would send it again. The interrupt status is set again before returning.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                Math.min(timeoutMs, Long.MAX_VALUE / 4) + connectTimeoutMs + SYNC_MARGIN_MS);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return response.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RemotingException re ? re : new RemotingException(e.getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RemotingException.Timeout("no response from " + address + " in " + timeoutMs + " ms");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends a oneway request to {@code address}. */
    public CompletableFuture<Void> invokeOneway(String address, RemotingCommand request) {
        RemotingCommand signed = signer.apply(request);
        return channel(address).thenCompose(ch -> ch.oneway(signed));
    }

    /** Closes the connection to {@code address}, if any. */
    public void closeChannel(String address) {
        ChannelFuture f = channels.remove(address);
        if (f != null) {
            f.channel().close();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ChannelFuture f : channels.values()) {
            Channel ch = f.channel();
            ch.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
