package dev.halfmoon.namesrv;

import dev.halfmoon.remoting.NettyConfig;
import java.util.Objects;

/**
 * Name server settings. Immutable; validated on construction.
 *
 * @param network         where it listens (default port 9876)
 * @param brokerTimeoutMs a broker that has not registered for this long is dropped (default 120 000)
 * @param scanIntervalMs  how often expired brokers are looked for (default 5 000)
 * @param kvConfigPath    where the KV config (mqadmin updateKvConfig) is kept; null: in memory only
 */
public record NamesrvConfig(NettyConfig network, long brokerTimeoutMs, long scanIntervalMs, java.nio.file.Path kvConfigPath) {
    public static final int DEFAULT_PORT = 9876;

    public NamesrvConfig(NettyConfig network, long brokerTimeoutMs, long scanIntervalMs) {
        this(network, brokerTimeoutMs, scanIntervalMs, null);
    }

    /** This config with the KV config kept in {@code file}. */
    public NamesrvConfig withKvConfigPath(java.nio.file.Path file) {
        return new NamesrvConfig(network, brokerTimeoutMs, scanIntervalMs, file);
    }

    public NamesrvConfig {
        Objects.requireNonNull(network, "network");
        if (brokerTimeoutMs < 100) {
            throw new IllegalArgumentException("broker timeout must be at least 100 ms, was " + brokerTimeoutMs);
        }
        if (scanIntervalMs < 10) {
            throw new IllegalArgumentException("scan interval must be at least 10 ms, was " + scanIntervalMs);
        }
    }

    public static NamesrvConfig defaults(String bindAddress, int port) {
        return new NamesrvConfig(NettyConfig.defaults(bindAddress, port), 120_000, 5_000);
    }
}
