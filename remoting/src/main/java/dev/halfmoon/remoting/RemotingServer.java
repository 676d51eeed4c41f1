package dev.halfmoon.remoting;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty server speaking the remoting protocol: frames in, processors by request code, responses
 * out. Owns its event loops. Register processors and listeners before {@link #start}; after that it
 * is thread-safe.
 */
public final class RemotingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemotingServer.class);
    private static final FrameEncoder ENCODER = new FrameEncoder();

    private final String role;
    private final NettyConfig config;
    private final Transport transport;
    private final CommandDispatcher dispatcher;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;
    private TlsConfig tls = TlsConfig.DISABLED;
    private final PartialFrames partials = new PartialFrames(Long.MAX_VALUE);

    /** @param role short name for threads and logs ("broker", "namesrv") */
    public RemotingServer(String role, NettyConfig config) {
        this.role = role;
        this.config = config;
        this.transport = new Transport(config.useEpoll());
        this.dispatcher = new CommandDispatcher(role, new ResponseTable());
        long quarter = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4);
        dispatcher.maxBodyBytes(quarter);
        partials.max(quarter);
    }

    /**
     * Past {@code bytes} of frames still arriving across connections, a connection holding more than 1 MiB of an
     * incomplete frame is closed (connections sending huge frames slowly would otherwise take the buffer memory of
     * all); default a quarter of the heap, at least 64 MiB.
     */
    public RemotingServer maxPartialFrameBytes(long bytes) {
        partials.max(bytes);
        return this;
    }

    /** Bytes of the bodies of requests read and not yet answered. */
    long requestBodyBytes() {
        return dispatcher.bodyBytes();
    }

    /** Bytes of incomplete frames held across connections now. */
    long partialFrameBytes() {
        return partials.held();
    }

    /**
     * Requests whose bodies would take the bodies of requests in progress (read, not yet answered) over {@code bytes}
     * are answered SYSTEM_BUSY, so a flood of large requests cannot exhaust the heap; default a quarter of the heap,
     * at least 64 MiB. A request alone is never refused for its size (the frame limit bounds it).
     */
    public RemotingServer maxRequestBodyBytes(long bytes) {
        dispatcher.maxBodyBytes(bytes);
        return this;
    }

    /** Routes requests with {@code code} to {@code processor}, run on {@code executor}. */
    public RemotingServer register(int code, RequestProcessor processor, Executor executor) {
        dispatcher.register(code, processor, executor);
        return this;
    }

    /**
     * How many requests of {@code code} ran on the network thread that read them (their processor
     * said {@link RequestProcessor#runsInline runsInline}) rather than on its executor.
     */
    public long ranInline(int code) {
        return dispatcher.ranInline(code);
    }

    /** Serves TLS as {@code config} says; call before {@link #start}. */
    public RemotingServer tls(TlsConfig config) {
        this.tls = config;
        return this;
    }

    /** Checks every request before its processor runs (access control); {@link RequestGuard#OPEN} by default. */
    public RemotingServer guard(RequestGuard guard) {
        dispatcher.guard(guard);
        return this;
    }

    public RemotingServer addListener(ChannelListener listener) {
        dispatcher.addListener(listener);
        return this;
    }

    /**
     * Binds and starts serving.
     *
     * @return the bound address (its port is the real one when 0 was asked)
     * @throws RemotingException.Connect if the address cannot be bound
     */
    public InetSocketAddress start() {
        io.netty.handler.ssl.SslContext ssl = tls.serverContext();
        boss = transport.group(1, "halfmoon-" + role + "-accept");
        workers = transport.group(config.ioThreads(), "halfmoon-" + role + "-io");
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024).option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true).childOption(ChannelOption.SO_KEEPALIVE, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ReadsWhileWritable.MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls.mode() == TlsConfig.Mode.ENFORCING) {
                            ch.pipeline().addLast("ssl", ssl.newHandler(ch.alloc()));
                        } else if (tls.mode() == TlsConfig.Mode.PERMISSIVE) {
                            // a TLS record gets an SSL handler, anything else stays plain (Netty looks at the first bytes)
                            ch.pipeline().addLast("tls-sniffer", new io.netty.handler.ssl.OptionalSslHandler(ssl));
                        }
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, config.idleSeconds(), TimeUnit.SECONDS),
                                ReadsWhileWritable.INSTANCE, ENCODER, new FrameDecoder(config.maxFrameBytes(), partials),
                                dispatcher);
                    }
                });
        try {
            serverChannel = bootstrap.bind(config.bindAddress(), config.listenPort()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new RemotingException.Connect("cannot listen on " + config.bindAddress() + ":" + config.listenPort()
                    + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("{} listening on {} ({}{})", role, RemotingChannel.format(bound), transport.name(),
                tls.mode() == TlsConfig.Mode.DISABLED ? "" : ", TLS " + tls.mode().name().toLowerCase());
        return bound;
    }

    /** Requests waiting for responses from clients. */
    int pendingRequests() {
        return dispatcher.responses().size();
    }

    /** Answers what is in progress (up to 3 s), refusing new requests meanwhile, then closes every connection. */
    @Override
    public void close() {
        if (serverChannel != null && !dispatcher.drain(3000)) {
            LOG.warn("{}: closing with requests still in progress", role);
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
