package dev.halfmoon.namesrv;

import dev.halfmoon.remoting.RemotingServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running name server: the route registry behind a remoting server, and the loop that drops
 * brokers that stopped registering. {@link #start} then {@link #close}; thread-safe.
 */
public final class NameServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NameServer.class);

    private final NamesrvConfig config;
    private final RouteRegistry registry = new RouteRegistry();
    private final RemotingServer server;
    private final ThreadPoolExecutor executor;
    private final ThreadPoolExecutor brokers;
    private final ScheduledExecutorService scanner;
    private final Clock clock;
    private volatile InetSocketAddress address;

    /** @throws IllegalStateException if the KV config file cannot be read */
    public NameServer(NamesrvConfig config, Clock clock) {
        KvConfig kv = KvConfig.open(config.kvConfigPath()); // (first: a bad file stops it before anything starts)
        this.config = config;
        this.clock = clock;
        this.server = new RemotingServer("namesrv", config.network());
        this.executor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000),
                r -> daemon(r, "halfmoon-namesrv-worker"));
        this.brokers = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000),
                r -> daemon(r, "halfmoon-namesrv-brokers"));
        this.scanner = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "halfmoon-namesrv-scan"));
        new NamesrvProcessors(registry, kv, clock, this::settings).registerWith(server, executor, brokers);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Serves TLS as {@code tls} says; call before {@link #start}. */
    public NameServer tls(dev.halfmoon.remoting.TlsConfig tls) {
        server.tls(tls);
        return this;
    }

    /**
     * Listens and starts expiring silent brokers.
     *
     * @return the bound address
     */
    public InetSocketAddress start() {
        address = server.start();
        scanner.scheduleWithFixedDelay(() -> {
            try {
                for (Object connection : registry.expire(clock.millis(), config.brokerTimeoutMs())) {
                    if (connection instanceof dev.halfmoon.remoting.RemotingChannel channel) {
                        channel.close();
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("broker expiry scan failed", e);
            }
        }, config.scanIntervalMs(), config.scanIntervalMs(), TimeUnit.MILLISECONDS);
        return address;
    }

    /** What it runs with, in RocketMQ's key names where it has them (mqadmin getNamesrvConfig). */
    private Map<String, String> settings() {
        Map<String, String> values = new java.util.TreeMap<>();
        values.put("listenPort", Integer.toString(address != null ? address.getPort() : config.network().listenPort()));
        values.put("bindAddress", config.network().bindAddress());
        values.put("scanNotActiveBrokerInterval", Long.toString(config.scanIntervalMs()));
        values.put("brokerTimeoutMillis", Long.toString(config.brokerTimeoutMs()));
        values.put("kvConfigPath", config.kvConfigPath() == null ? "" : config.kvConfigPath().toString());
        return values;
    }

    /** {@code host:port} clients and brokers use. */
    public String address() {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    public RouteRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        scanner.shutdownNow();
        server.close();
        executor.shutdownNow();
        brokers.shutdownNow();
    }
}
