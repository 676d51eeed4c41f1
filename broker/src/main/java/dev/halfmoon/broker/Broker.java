package dev.halfmoon.broker;

import dev.halfmoon.broker.acl.AccessControl;
import dev.halfmoon.broker.acl.AclFileEditor;
import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.client.ClientService;
import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.LiveSettings;
import dev.halfmoon.broker.config.TransactionConfig;
import dev.halfmoon.broker.delay.DelayLevels;
import dev.halfmoon.broker.delay.ScheduleService;
import dev.halfmoon.broker.lock.QueueLocks;
import dev.halfmoon.broker.retry.SendBackService;
import dev.halfmoon.broker.group.SubscriptionGroups;
import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.broker.offset.OffsetQueries;
import dev.halfmoon.broker.offset.GroupProgress;
import dev.halfmoon.broker.metrics.BrokerMetrics;
import dev.halfmoon.broker.metrics.History;
import dev.halfmoon.broker.metrics.KeyedStats;
import dev.halfmoon.broker.http.ConsoleApi;
import dev.halfmoon.broker.http.HttpServer;
import dev.halfmoon.broker.http.TopicGroupApi;
import dev.halfmoon.broker.http.TransactionApi;
import dev.halfmoon.broker.processor.AclAdminProcessor;
import dev.halfmoon.broker.processor.AdminProcessor;
import dev.halfmoon.broker.processor.ClientProcessor;
import dev.halfmoon.broker.processor.ClientRelayProcessor;
import dev.halfmoon.broker.processor.EndTransactionProcessor;
import dev.halfmoon.broker.processor.GroupAdminProcessor;
import dev.halfmoon.broker.processor.LockProcessor;
import dev.halfmoon.broker.processor.QueryProcessor;
import dev.halfmoon.broker.processor.QueueToolProcessor;
import dev.halfmoon.broker.processor.ReplyProcessor;
import dev.halfmoon.broker.processor.SendBackProcessor;
import dev.halfmoon.broker.processor.OffsetProcessor;
import dev.halfmoon.broker.processor.OffsetResetProcessor;
import dev.halfmoon.broker.processor.PullProcessor;
import dev.halfmoon.broker.processor.SendProcessor;
import dev.halfmoon.broker.processor.StatsProcessor;
import dev.halfmoon.broker.processor.ToolingProcessor;
import dev.halfmoon.broker.processor.TransactionAdminProcessor;
import dev.halfmoon.broker.pull.PullHolds;
import dev.halfmoon.broker.pull.PullService;
import dev.halfmoon.broker.send.SendService;
import dev.halfmoon.broker.topic.OwnTopics;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.broker.txn.BrokerCheckTransport;
import dev.halfmoon.broker.txn.CheckWindow;
import dev.halfmoon.checkback.CheckBackService;
import dev.halfmoon.checkback.CheckPolicy;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.RetentionConfig;
import dev.halfmoon.log.RetentionHook;
import dev.halfmoon.log.SpaceReserve;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import dev.halfmoon.remoting.body.SystemNames;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.txn.PendingTransaction;
import dev.halfmoon.txn.TransactionCoordinator;
import dev.halfmoon.txn.TxnTopics;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: the one place where its parts are built and wired, started in order and
 * stopped in reverse. Holds no business rules. {@link #start} returns a serving broker;
 * {@link #close} answers what is in progress, flushes, checkpoints and stops it.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    /** The store and what lives on it, opened and recovered. */
    private record Storage(MetadataStore metadata, LogStore store, TransactionCoordinator transactions,
                           TopicRegistry topics, SubscriptionGroups groups, ConsumerOffsets offsets) {
    }

    private final List<AutoCloseable> closeInReverse;
    private final String address;
    /** {@code http[s]://host:port} of the console, or null. */
    private final String http;
    private final Storage storage;

    private Broker(String address, String http, Storage storage, List<AutoCloseable> started) {
        this.address = address;
        this.http = http;
        this.storage = storage;
        this.closeInReverse = new ArrayList<>(started);
        Collections.reverse(this.closeInReverse);
    }

    /**
     * Opens the store (recovering it and the pending transactions), listens, and registers with
     * the name servers.
     *
     * @throws RuntimeException with the cause if any part fails to start; whatever started is stopped
     */
    public static Broker start(BrokerConfig config, Clock clock) {
        List<AutoCloseable> started = new ArrayList<>();
        RemotingServer server = new RemotingServer("broker", config.network()).tls(config.security().tls());
        try {
            long begin = System.nanoTime();
            int port = server.start().getPort();
            Storage storage = openStorage(config, config.identity().storeHost(port), clock, started);
            Broker broker = serve(config, clock, server, port, storage, started);
            LOG.info("broker {} ({} of cluster {}) serving at {}, store {} ({}), {} pending transactions, started in {} ms",
                    config.identity().brokerName(), config.identity().brokerId(), config.identity().clusterName(),
                    broker.address, config.store().rootDir(), config.store().commitLog().flushMode(),
                    storage.transactions().index().size(), (System.nanoTime() - begin) / 1_000_000);
            return broker;
        } catch (RuntimeException e) {
            if (!started.contains(server)) {
                started.add(server);
            }
            Collections.reverse(started);
            closeAll(started);
            throw e;
        }
    }

    private static Storage openStorage(BrokerConfig config, InetSocketAddress storeHost, Clock clock,
                                       List<AutoCloseable> started) {
        SpaceReserve.releaseAtStart(config.store().rootDir()); // (a disk that filled up while the broker was down)
        MetadataStore metadata = MetadataStore.open(config.store().metadataDir());
        started.add(metadata);
        AtomicReference<TransactionCoordinator> coordinator = new AtomicReference<>();
        RetentionHook carryForward = (start, end) -> coordinator.get().carryForward(start, end);
        LogStore store = LogStore.open(config.store(), metadata, StoreHooks.defaults().withClock(clock)
                .withDispatchFilter(record -> !TxnTopics.isHidden(record.topic())).withRetentionHook(carryForward));
        started.add(store);
        TransactionCoordinator transactions = TransactionCoordinator.open(store, metadata, clock, storeHost,
                config.transactions().timeoutMs());
        coordinator.set(transactions);
        started.add(transactions::checkpoint);
        TopicRegistry topics = TopicRegistry.load(metadata.table(MetadataTable.TOPICS, Codec.STRING,
                new JsonCodec<>(TopicConfig.class)), clock);
        OwnTopics.ensure(topics, config);
        SubscriptionGroups groups = new SubscriptionGroups(new ConfigTable<>(metadata.table(MetadataTable.SUBSCRIPTION_GROUPS,
                Codec.STRING, new JsonCodec<>(SubscriptionGroupConfig.class)), clock), config.messaging().autoCreateSubscriptionGroup());
        ConsumerOffsets offsets = ConsumerOffsets.load(metadata);
        started.add(offsets);
        offsets.clampToQueueEnds(store::maxQueueOffset, Set.of(SystemNames.SCHEDULE_GROUP));
        return new Storage(metadata, store, transactions, topics, groups, offsets);
    }

    /** Check-backs as the settings say; a transaction stays pending at most {@code fileReservedTime} (0: no limit). */
    private static CheckPolicy checkPolicy(TransactionConfig tx, RetentionConfig retention) {
        long reserved = retention.fileReservedTimeMs();
        return new CheckPolicy(tx.checkMax(), tx.checkIntervalMs(), 1000, 5000, reserved > 0 ? reserved : Long.MAX_VALUE);
    }

    private static Broker serve(BrokerConfig config, Clock clock, RemotingServer server, int port, Storage s,
                                List<AutoCloseable> started) {
        ClientRegistry clients = new ClientRegistry();
        PullHolds holds = new PullHolds(clock, config.messaging().pullBatchWindowMicros());
        s.store().start(List.of(holds));
        holds.start(s.store());
        WorkerPools pools = new WorkerPools();
        started.add(pools);
        AccessControl acl = config.security().aclEnable() ? AccessControl.load(config.security().aclFile(),
                (offset, id) -> s.transactions().find(offset, id).map(PendingTransaction::topic)) : null;
        if (acl != null) {
            server.guard(acl);
        }
        TransactionConfig tx = config.transactions();
        CheckWindow window = new CheckWindow(tx.checkWindow(), clock);
        s.transactions().index().addListener(window);
        CheckBackService checks = new CheckBackService(s.transactions(), new BrokerCheckTransport(clients, s.transactions(), window,
                acl == null ? BrokerCheckTransport.Eligible.ANY
                        : (p, topic) -> acl.mayPublish(p.channel().remoteAddress(), p.accessKey(), topic)),
                checkPolicy(tx, config.store().retention()), clock);
        GroupProgress progress = new GroupProgress(s.store(), s.topics(), s.offsets(), clients);
        BrokerMetrics metrics = new BrokerMetrics(s.store(), progress, s.transactions(), checks,
                config.store().rootDir(), clock);
        metrics.pullsHeld(holds);
        metrics.consumerGroups(clients);
        // the settings mqadmin getBrokerConfig shows, with the ports as bound (0 in the file picks a free one)
        Map<String, String> effective = new java.util.concurrent.ConcurrentHashMap<>(config.settings());
        effective.put("listenPort", Integer.toString(port));
        LiveSettings live = new LiveSettings(effective, config.origin()); // (mqadmin updateBrokerConfig)
        live.addListener((messaging, changed, retention) -> {
            s.transactions().defaultTimeoutMs(changed.timeoutMs());
            checks.policy(checkPolicy(changed, retention));
            s.store().retention(retention);
        });
        String address = config.identity().address(port);
        RemotingClient namesrvClient = new RemotingClient("broker-register");
        if (config.security().tlsToNamesrv()) {
            namesrvClient.withTls(config.security().namesrvTrust(), config.security().namesrvCertificate());
        }
        started.add(namesrvClient);
        NamesrvRegistrar registrar = new NamesrvRegistrar(config.namesrv(), config.identity(), address, s.topics(), namesrvClient);
        registerProcessors(config, clock, server, port, s, clients, holds, pools, metrics, progress, window, live,
                registrar);
        new AclAdminProcessor(acl == null ? null : new AclFileEditor(config.security().aclFile(), acl), Map.of("brokerName",
                config.identity().brokerName(), "brokerAddr", address, "clusterName", config.identity().clusterName()))
                .registerWith(server, pools.create("acl-admin", 1, 100)); // (one change at a time)
        started.add(server);
        started.add(holds);

        ScheduleService schedule = new ScheduleService(s.store(), s.offsets(), config.messaging().delayLevels(), clock).start();
        started.add(schedule);
        started.add(checks.start());
        History history = new History(() -> metrics.totals(clock.millis()));
        startHousekeeping(config, clock, s, clients, history, metrics, acl, started);
        registrar.start();
        started.add(registrar);
        // the console comes up after the first registration: clients can route to the broker sooner
        String http = null;
        if (config.http().enabled()) {
            HttpServer httpServer = new HttpServer(new ConsoleApi(Map.of("brokerName", config.identity().brokerName(),
                    "clusterName", config.identity().clusterName(), "brokerId", config.identity().brokerId(),
                    "address", address), s.store(), s.transactions(), metrics, history,
                    new TransactionApi(s.transactions(), clock), acl,
                    new TopicGroupApi(s.store(), s.topics(), s.groups(), s.offsets(), clients, progress)));
            started.add(httpServer);
            http = HttpConsole.start(config, address, httpServer, effective);
        }
        return new Broker(address, http, s, started);
    }

    private static void startHousekeeping(BrokerConfig config, Clock clock, Storage s, ClientRegistry clients,
                                          History history, BrokerMetrics metrics, AccessControl acl,
                                          List<AutoCloseable> started) {
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "halfmoon-housekeeping");
            t.setDaemon(true);
            return t;
        });
        started.add(housekeeping::shutdownNow);
        long expiry = config.messaging().channelExpiredTimeoutMs();
        long expireEvery = Math.min(10_000, expiry / 4); // (a silent client goes within 1.25x the timeout)
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                clients.expire(clock.millis() - expiry);
            } catch (RuntimeException e) { // (a task that throws is never run again)
                LOG.error("expiring silent clients failed; trying again in {} ms", expireEvery, e);
            }
        }, expireEvery, expireEvery, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                s.transactions().checkpoint();
            } catch (RuntimeException e) {
                LOG.error("transaction snapshot failed; the next one retries", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleAtFixedRate(history::sample, History.PERIOD_MS, History.PERIOD_MS, TimeUnit.MILLISECONDS);
        housekeeping.scheduleAtFixedRate(metrics.throughput()::sample, 0, 1, TimeUnit.SECONDS);
        housekeeping.scheduleAtFixedRate(metrics.keyed()::sample, KeyedStats.SAMPLE_MS, KeyedStats.SAMPLE_MS,
                TimeUnit.MILLISECONDS);
        if (acl != null) {
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    acl.reloadIfChanged();
                } catch (RuntimeException e) { // (a task that throws is never run again: revocations would stop applying)
                    LOG.error("reloading the ACL file failed; the rules in force stay, and it is tried again", e);
                }
            }, 2, 2, TimeUnit.SECONDS);
        }
    }

    private static void registerProcessors(BrokerConfig config, Clock clock, RemotingServer server, int port, Storage s,
                                           ClientRegistry clients, PullHolds holds, WorkerPools pools,
                                           BrokerMetrics metrics, GroupProgress progress, CheckWindow window,
                                           LiveSettings live, NamesrvRegistrar registrar) {
        ThreadPoolExecutor sendPool = pools.create("send", config.messaging().sendThreads(), 10_000);
        ThreadPoolExecutor pullPool = pools.create("pull", config.messaging().pullThreads(), 100_000);
        ThreadPoolExecutor txPool = pools.create("end-tx", 4, 100_000);
        ThreadPoolExecutor adminPool = pools.create("admin", 4, 10_000);
        ThreadPoolExecutor inOrder = pools.create("clients", 1, 100_000); // heartbeats, commits, leaving: in order
        InetSocketAddress storeHost = config.identity().storeHost(port);
        DelayLevels delays = config.messaging().delayLevels();
        NetworkThreadRules inline = new NetworkThreadRules(s.store(), s.topics(), config.messaging(),
                s.transactions().index()::isPending);
        SendService sends = new SendService(s.topics(), config.messaging(), s.store(), s.transactions(), delays, storeHost,
                config.identity().clusterName(), clock);
        live.addListener((messaging, transactions, retention) -> sends.config(messaging));
        SendProcessor send = new SendProcessor(sends, metrics, inline);
        ReplyProcessor reply = new ReplyProcessor(sends, clients, storeHost);
        server.register(RequestCode.SEND_MESSAGE, send, sendPool)
                .register(RequestCode.SEND_MESSAGE_V2, send, sendPool)
                .register(RequestCode.SEND_BATCH_MESSAGE, send, sendPool)
                .register(RequestCode.SEND_REPLY_MESSAGE, reply, sendPool)
                .register(RequestCode.SEND_REPLY_MESSAGE_V2, reply, sendPool);
        PullProcessor pull = new PullProcessor(new PullService(s.store(), s.topics(), clients, s.offsets(),
                config.messaging(), holds, s.groups()), metrics, inline);
        // sends, pulls and ends that cannot block run on the network thread that read them (NetworkThreadRules)
        server.register(RequestCode.PULL_MESSAGE, pull, pullPool)
                .register(RequestCode.LITE_PULL_MESSAGE, pull, pullPool)
                .register(RequestCode.END_TRANSACTION, new EndTransactionProcessor(s.transactions(), metrics, inline, window), txPool)
                .register(RequestCode.CONSUMER_SEND_MSG_BACK, new SendBackProcessor(new SendBackService(s.store(), s.topics(),
                        s.groups(), delays, storeHost)), sendPool)
                .register(RequestCode.QUERY_MESSAGE, new QueryProcessor(s.store()), adminPool);
        metrics.countOnNetworkThread("send", server, x -> x.ranInline(RequestCode.SEND_MESSAGE)
                + x.ranInline(RequestCode.SEND_MESSAGE_V2));
        metrics.countOnNetworkThread("pull", server, x -> x.ranInline(RequestCode.PULL_MESSAGE)
                + x.ranInline(RequestCode.LITE_PULL_MESSAGE));
        metrics.countOnNetworkThread("end_transaction", server, x -> x.ranInline(RequestCode.END_TRANSACTION));
        QueueLocks locks = new QueueLocks(clock, config.messaging().lockExpiryMs());
        new LockProcessor(locks).registerWith(server, adminPool);
        new StatsProcessor(s.store(), s.topics(), progress, clients, Map.entry(config.identity().brokerName(),
                config.identity().address(port)), metrics.keyed(), () -> {
            Map<String, String> extras = new java.util.LinkedHashMap<>(metrics.throughput().runtimeInfo());
            extras.put("sendThreadPoolQueueSize", Integer.toString(sendPool.getQueue().size()));
            extras.put("sendThreadPoolQueueCapacity", "10000");
            extras.put("pullThreadPoolQueueSize", Integer.toString(pullPool.getQueue().size()));
            extras.put("pullThreadPoolQueueCapacity", "100000");
            extras.put("EndTransactionQueueSize", Integer.toString(txPool.getQueue().size()));
            extras.put("sendThreadPoolQueueHeadWaitTimeMills", "0");
            extras.put("pullThreadPoolQueueHeadWaitTimeMills", "0");
            return extras;
        }).registerWith(server, adminPool);
        server.register(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, new OffsetResetProcessor(s.store(), s.topics(),
                s.offsets(), clients, config.identity().brokerName()), adminPool);
        new ClientProcessor(new ClientService(clients, s.topics(), s.groups(), clock)).registerWith(server, adminPool, inOrder);
        new GroupAdminProcessor(s.groups(), s.offsets()).registerWith(server, adminPool);
        new ToolingProcessor(s.topics(), progress, clients, live).registerWith(server, adminPool);
        new QueueToolProcessor(s.store(), s.topics(), clients).registerWith(server, adminPool);
        new ClientRelayProcessor(clients, s.store(), config.identity().brokerName()).registerWith(server, adminPool);
        new OffsetProcessor(s.offsets(), new OffsetQueries(s.offsets(), s.store()), s.store(), s.topics())
                .registerWith(server, adminPool, inOrder);
        new AdminProcessor(s.topics(), s.store(), s.offsets(), registrar::registerNow).registerWith(server, adminPool);
        new TransactionAdminProcessor(s.transactions(), clock).registerWith(server, adminPool);
    }

    /** {@code host:port} clients use. */
    public String address() {
        return address;
    }

    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** {@code http://host:port} (https under {@code tls.server.mode=enforcing}) of the console, API and /metrics; empty when {@code httpEnable=false}. */
    public java.util.Optional<String> httpAddress() {
        return java.util.Optional.ofNullable(http);
    }

    /** The store, for tests and tools in the same process. */
    public LogStore store() {
        return storage.store();
    }

    /** The transaction coordinator, for tests and tools in the same process. */
    public TransactionCoordinator transactions() {
        return storage.transactions();
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
