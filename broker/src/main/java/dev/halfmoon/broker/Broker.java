package dev.halfmoon.broker;

import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.client.ClientService;
import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.broker.offset.OffsetQueries;
import dev.halfmoon.broker.processor.AdminProcessor;
import dev.halfmoon.broker.processor.ClientProcessor;
import dev.halfmoon.broker.processor.OffsetProcessor;
import dev.halfmoon.broker.processor.PullProcessor;
import dev.halfmoon.broker.processor.SendProcessor;
import dev.halfmoon.broker.pull.PullHolds;
import dev.halfmoon.broker.pull.PullService;
import dev.halfmoon.broker.send.SendService;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.TopicConfig;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: the one place where its parts are built and wired, started in order and
 * stopped in reverse. Holds no business rules. {@link #start} returns a serving broker;
 * {@link #close} flushes, checkpoints and stops it.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final List<AutoCloseable> closeInReverse = new ArrayList<>();
    private final String address;
    private final LogStore store;

    private Broker(String address, LogStore store) {
        this.address = address;
        this.store = store;
    }

    /**
     * Opens the store (recovering it), listens, and registers with the name servers.
     *
     * @throws RuntimeException with the cause if any part fails to start; whatever started is stopped
     */
    public static Broker start(BrokerConfig config, Clock clock) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            return assemble(config, clock, started);
        } catch (RuntimeException e) {
            Collections.reverse(started);
            closeAll(started);
            throw e;
        }
    }

    private static Broker assemble(BrokerConfig config, Clock clock, List<AutoCloseable> started) {
        long begin = System.nanoTime();
        MetadataStore metadata = MetadataStore.open(config.store().metadataDir());
        started.add(metadata);
        LogStore store = LogStore.open(config.store(), metadata, StoreHooks.defaults().withClock(clock));
        started.add(store);
        TopicRegistry topics = TopicRegistry.load(metadata.table(MetadataTable.TOPICS, Codec.STRING,
                new JsonCodec<>(TopicConfig.class)), clock);
        if (config.messaging().autoCreateTopicEnable()) {
            topics.ensure(TopicRegistry.AUTO_CREATE_TOPIC_KEY, config.messaging().defaultTopicQueueNums(),
                    Perm.READ_WRITE | Perm.INHERIT);
        }
        ConsumerOffsets offsets = ConsumerOffsets.load(metadata.table(MetadataTable.CONSUMER_OFFSETS, Codec.STRING, Codec.LONG));
        ClientRegistry clients = new ClientRegistry();
        PullHolds holds = new PullHolds(clock);
        store.start(List.of(holds));
        holds.start(store);

        WorkerPools pools = new WorkerPools();
        started.add(pools);
        ThreadPoolExecutor sendPool = pools.create("send", config.messaging().sendThreads(), 10_000);
        ThreadPoolExecutor pullPool = pools.create("pull", config.messaging().pullThreads(), 100_000);
        ThreadPoolExecutor adminPool = pools.create("admin", 4, 10_000);

        RemotingServer server = new RemotingServer("broker", config.network());
        started.add(server);
        InetSocketAddress bound = server.start();
        started.add(holds);
        int port = bound.getPort();
        String address = config.identity().address(port);
        SendService sends = new SendService(topics, config.messaging(), store, config.identity().storeHost(port),
                config.identity().clusterName());
        SendProcessor sendProcessor = new SendProcessor(sends);
        server.register(RequestCode.SEND_MESSAGE, sendProcessor, sendPool)
                .register(RequestCode.SEND_MESSAGE_V2, sendProcessor, sendPool)
                .register(RequestCode.SEND_BATCH_MESSAGE, sendProcessor, sendPool);
        PullProcessor pullProcessor = new PullProcessor(new PullService(store, topics, clients, offsets,
                config.messaging(), holds));
        server.register(RequestCode.PULL_MESSAGE, pullProcessor, pullPool)
                .register(RequestCode.LITE_PULL_MESSAGE, pullProcessor, pullPool);
        new ClientProcessor(new ClientService(clients, topics, clock)).registerWith(server, adminPool);
        new OffsetProcessor(offsets, new OffsetQueries(offsets, store), store).registerWith(server, adminPool);
        new AdminProcessor(topics, store).registerWith(server, adminPool);

        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "halfmoon-clients");
            t.setDaemon(true);
            return t;
        });
        started.add(housekeeping::shutdownNow);
        housekeeping.scheduleWithFixedDelay(() -> clients.expire(clock.millis() - config.messaging().channelExpiredTimeoutMs()),
                10, 10, TimeUnit.SECONDS);

        RemotingClient namesrvClient = new RemotingClient("broker-register");
        started.add(namesrvClient);
        NamesrvRegistrar registrar = new NamesrvRegistrar(config.namesrv(), config.identity(), address, topics, namesrvClient);
        registrar.start();
        started.add(registrar);

        LOG.info("broker {} ({} of cluster {}) serving at {}, store {} ({}), started in {} ms", config.identity().brokerName(),
                config.identity().brokerId(), config.identity().clusterName(), address, config.store().rootDir(),
                config.store().commitLog().flushMode(), (System.nanoTime() - begin) / 1_000_000);
        Broker broker = new Broker(address, store);
        broker.closeInReverse.addAll(started);
        Collections.reverse(broker.closeInReverse);
        return broker;
    }

    /** {@code host:port} clients use. */
    public String address() {
        return address;
    }

    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** The store, for tests and tools in the same process. */
    public LogStore store() {
        return store;
    }

    @Override
    public void close() {
        LOG.info("broker {} shutting down", address);
        closeAll(closeInReverse);
        closeInReverse.clear();
        LOG.info("broker {} stopped", address);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable c : parts) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.error("error while stopping {}", c.getClass().getSimpleName(), e);
            }
        }
    }
}
