package dev.halfmoon.broker.http;

import dev.halfmoon.remoting.TlsConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for operators: each request is handed to a {@link HttpHandler} on a
 * worker thread (never the I/O thread) and its reply written back, keep-alive honoured, replies in
 * request order. Bodies above 64 KiB are refused with 413; when the workers' queue is full, 503.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** Requests of one connection decoded and waiting for the one being served (pipelining). */
    private static final int MAX_PIPELINED = 16;
    private static final int QUEUED_REQUESTS = 64;

    /** What answers requests. */
    @FunctionalInterface
    public interface HttpHandler {
        CompletableFuture<HttpReply> handle(HttpRequest request);
    }

    private final HttpHandler handler;
    private final EventLoopGroup group = new NioEventLoopGroup(1, (java.util.concurrent.ThreadFactory) r -> daemon(r, "halfmoon-http-io"));
    /** Two workers, a bounded queue: beyond it requests are answered 503 rather than held in memory. */
    private final ExecutorService workers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUED_REQUESTS), r -> daemon(r, "halfmoon-http"));
    private Channel channel;
    /** Bound to a loopback address: only requests that name this machine are served (see {@link #namesThisMachine}). */
    private volatile boolean loopbackOnly;

    public HttpServer(HttpHandler handler) {
        this.handler = handler;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Listens.
     *
     * @return the bound address
     * @throws IllegalStateException naming the address if it cannot be bound
     */
    public InetSocketAddress start(String bindAddress, int port) {
        return start(bindAddress, port, TlsConfig.DISABLED);
    }

    /**
     * Listens, with TLS as the broker's port has it ({@code tls.server.mode}): enforcing serves HTTPS only,
     * permissive both on one port.
     *
     * @return the bound address
     * @throws IllegalStateException naming the address if it cannot be bound
     */
    /** Connections served at once; more are closed as they come (the console and a scraper need a handful). */
    static final int MAX_CONNECTIONS = 256;
    /** Connections from one address at once: one host cannot take every slot. */
    static final int MAX_CONNECTIONS_PER_ADDRESS = 32;
    private final java.util.concurrent.ConcurrentHashMap<java.net.InetAddress, Integer> perAddress =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final dev.halfmoon.remoting.LogLimiter refusedConnections = new dev.halfmoon.remoting.LogLimiter(LOG,
            "refused HTTP connections", 10, 1, java.util.concurrent.TimeUnit.MINUTES);

    /** A connection from {@code from} is closed (or was refused). */
    private void left(java.net.InetAddress from) {
        connections.decrementAndGet();
        perAddress.computeIfPresent(from, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Connections open now. */
    int connections() {
        return connections.get();
    }

    public InetSocketAddress start(String bindAddress, int port, TlsConfig tls) {
        SslContext ssl = tls.serverContext();
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        java.net.InetAddress from = ch.remoteAddress().getAddress();
                        int fromHere = perAddress.merge(from, 1, Integer::sum);
                        if (connections.incrementAndGet() > MAX_CONNECTIONS || fromHere > MAX_CONNECTIONS_PER_ADDRESS) {
                            left(from); // (slow clients would hold descriptors, one host all of them)
                            if (refusedConnections.allow()) {
                                LOG.warn("HTTP connection from {} refused: {} open ({} from there), the most served {} ({} "
                                        + "from one address)", ch.remoteAddress(), connections.get(), fromHere - 1,
                                        MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS);
                            }
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> left(from));
                        if (tls.mode() == TlsConfig.Mode.ENFORCING) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        } else if (tls.mode() == TlsConfig.Mode.PERMISSIVE) {
                            ch.pipeline().addLast(new OptionalSslHandler(ssl));
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(60), new HttpServerCodec(),
                                new InOrderAggregator(), new Dispatch());
                    }
                });
        try {
            channel = bootstrap.bind(bindAddress, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("cannot serve HTTP on " + bindAddress + ":" + port + " (httpPort): "
                    + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        loopbackOnly = bound.getAddress().isLoopbackAddress();
        LOG.info("HTTP console, API and /metrics on {}:{}{}", bound.getAddress().getHostAddress(), bound.getPort(),
                tls.mode() == TlsConfig.Mode.DISABLED ? "" : " (TLS " + tls.mode().name().toLowerCase() + ")");
        return bound;
    }

    /**
     * One per connection. Requests are answered one at a time and in order (HTTP/1.1 pipelining): the connection
     * stops reading while one is being served, so a client that keeps writing and never reads cannot make replies
     * pile up in the broker; requests already decoded wait in a short queue, and a connection that overfills it is
     * closed. Runs on the connection's I/O thread.
     */
    /** A request whose body was over {@value #MAX_BODY_BYTES} bytes: answered 413, in its turn, then the connection closes. */
    private static final Object OVERSIZED = new Object();

    /**
     * Netty's aggregator answers an oversized request itself, at once, ahead of replies still owed to earlier pipelined
     * requests; this one passes it on to be answered in its turn.
     */
    private static final class InOrderAggregator extends HttpObjectAggregator {
        InOrderAggregator() {
            super(MAX_BODY_BYTES);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
            ctx.fireChannelRead(OVERSIZED);
        }
    }

    private final class Dispatch extends SimpleChannelInboundHandler<Object> {
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private boolean busy;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (waiting.size() >= MAX_PIPELINED) {
                LOG.debug("HTTP connection {} closed: more than {} requests waiting", ctx.channel().remoteAddress(),
                        MAX_PIPELINED);
                ctx.close();
                return;
            }
            waiting.add(msg == OVERSIZED
                    ? new Pending(null, HttpReply.error(413, "request body over " + MAX_BODY_BYTES + " bytes"), false)
                    : Pending.of((FullHttpRequest) msg, loopbackOnly,
                            String.valueOf(ctx.channel().remoteAddress())));
            ctx.channel().config().setAutoRead(false);
            if (!busy) {
                next(ctx);
            }
        }

        private void next(ChannelHandlerContext ctx) {
            Pending p = waiting.poll();
            if (p == null) {
                busy = false;
                ctx.channel().config().setAutoRead(true);
                return;
            }
            busy = true;
            if (p.immediate() != null) {
                reply(ctx, p.immediate(), p.keepAlive());
                return;
            }
            CompletableFuture<HttpReply> served;
            try {
                served = CompletableFuture.supplyAsync(() -> handler.handle(p.request()), workers).thenCompose(f -> f)
                        .exceptionally(HttpServer::failure);
            } catch (RejectedExecutionException busyWorkers) {
                served = CompletableFuture.completedFuture(HttpReply.error(503, "the HTTP API is busy; try again"));
            }
            served.thenAccept(reply -> ctx.executor().execute(() -> reply(ctx, reply, p.keepAlive())));
        }

        private void reply(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
            ChannelFuture written = write(ctx, reply, keepAlive);
            if (keepAlive) {
                written.addListener(f -> {
                    if (f.isSuccess()) {
                        next(ctx); // (the write completed: the client reads its replies)
                    }
                });
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("HTTP connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** A decoded request waiting its turn: to be handled, or answered at once (malformed, refused). */
    private record Pending(HttpRequest request, HttpReply immediate, boolean keepAlive) {
        static Pending of(FullHttpRequest msg, boolean loopbackOnly, String remote) {
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            if (!msg.decoderResult().isSuccess()) {
                return new Pending(null, HttpReply.error(400, "malformed HTTP request"), false);
            }
            if (loopbackOnly && !namesThisMachine(msg.headers().get(HttpHeaderNames.HOST))) {
                return new Pending(null, HttpReply.error(403,
                        "this console serves requests for localhost or 127.0.0.1 only"), false);
            }
            try {
                return new Pending(HttpRequest.of(msg, remote), null, keepAlive);
            } catch (IllegalArgumentException e) { // e.g. a bad %-escape in the path
                return new Pending(null, HttpReply.error(400, "malformed request target: " + e.getMessage()), keepAlive);
            }
        }
    }

    /**
     * Whether a Host header names this machine (localhost, 127.x, [::1]; no header, as HTTP/1.0 clients send):
     * a web page that rebinds its own domain name to 127.0.0.1 still sends that name, and is refused.
     */
    static boolean namesThisMachine(String host) {
        if (host == null || host.isEmpty()) {
            return true;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return name.equalsIgnoreCase("localhost") || name.matches("127(\\.\\d{1,3}){3}") || name.equals("[::1]");
    }

    private static HttpReply failure(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HttpException h) {
            return HttpReply.error(h.status(), h.getMessage());
        }
        LOG.error("HTTP request failed", cause);
        return HttpReply.error(500, "internal error (the broker's log has the details)");
    }

    private static ChannelFuture write(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff")
                // no other site may frame the console (its Commit and Rollback buttons could be clicked through it)
                .set("X-Frame-Options", "DENY")
                .set("Content-Security-Policy", "frame-ancestors 'none'");
        reply.headers().forEach((k, v) -> response.headers().set(k, v));
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            return ctx.writeAndFlush(response);
        }
        return ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
    }
}
