package dev.halfmoon.remoting;

/**
 * Network settings of one endpoint. Immutable; validated on construction.
 *
 * @param bindAddress   address to listen on ({@code brokerIP1}/{@code bindAddress}; "0.0.0.0" for all)
 * @param listenPort    {@code listenPort}; 0 picks a free port
 * @param ioThreads     Netty event-loop threads ({@code serverSelectorThreads}, default 2)
 * @param maxFrameBytes largest frame accepted ({@code com.rocketmq.remoting.frameMaxLength}, default 16 MiB)
 * @param idleSeconds   a connection with no traffic this long is closed (default 120)
 * @param useEpoll      use the native epoll transport where available (default true)
 */
public record NettyConfig(String bindAddress, int listenPort, int ioThreads, int maxFrameBytes, int idleSeconds,
                          boolean useEpoll) {
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

    public NettyConfig {
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listenPort must be 0..65535, was " + listenPort);
        }
        if (ioThreads < 1 || ioThreads > 64) {
            throw new IllegalArgumentException("serverSelectorThreads must be 1..64, was " + ioThreads);
        }
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("the maximum frame size must be at least 1024 bytes, was " + maxFrameBytes);
        }
        if (idleSeconds < 1) {
            throw new IllegalArgumentException("the idle timeout must be at least 1 s, was " + idleSeconds);
        }
    }

    public static NettyConfig defaults(String bindAddress, int listenPort) {
        return new NettyConfig(bindAddress, listenPort, 2, DEFAULT_MAX_FRAME_BYTES, 120, true);
    }

    public NettyConfig withMaxFrameBytes(int bytes) {
        return new NettyConfig(bindAddress, listenPort, ioThreads, bytes, idleSeconds, useEpoll);
    }

    public NettyConfig withIdleSeconds(int seconds) {
        return new NettyConfig(bindAddress, listenPort, ioThreads, maxFrameBytes, seconds, useEpoll);
    }
}
