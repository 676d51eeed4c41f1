package dev.halfmoon.client;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingException;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.TopicRouteData;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every client object shares inside: one connection pool, the routes it learned from the
 * name servers (refreshed periodically, failing over between name servers), and the periodic
 * heartbeat to every broker it uses. Thread-safe.
 */
final class ClientCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);

    final ClientOptions options;
    final String clientId;
    final RemotingClient remoting;
    private final Map<String, TopicRoute> routes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final List<ScheduledExecutorService> schedulers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Runs what the application chained on the futures it was given (sendAsync). */
    private final java.util.concurrent.ExecutorService callbacks;
    private static final int CALLBACK_THREADS = 4;
    /** The name server asked first: the last one that answered (RocketMQ's client sticks to one likewise). */
    final AtomicInteger preferredNameServer = new AtomicInteger( // (clients start at different ones; tests set it)
            java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
    private final Supplier<HeartbeatData> heartbeat;
    private final Set<String> clusterBrokers = ConcurrentHashMap.newKeySet();
    private volatile boolean heartbeatEverywhere;
    private volatile boolean closed;

    ClientCore(ClientOptions options, String role, Supplier<HeartbeatData> heartbeat) {
        this.options = options;
        this.clientId = UniqueIds.localIpText() + "@" + options.instanceName() + "#" + ProcessHandle.current().pid() + "#"
                + System.nanoTime();
        this.remoting = new RemotingClient("client-" + role);
        if (options.security().accessKey() != null) {
            remoting.withCredentials(options.security().accessKey(), options.security().secretKey());
        }
        if (options.security().tls()) {
            try {
                remoting.withTls(options.security().trustCertPath(), options.security().certificate());
            } catch (RuntimeException e) { // (a certificate that cannot be read: its event loop must not outlive it)
                remoting.close();
                throw e;
            }
        }
        this.heartbeat = heartbeat;
        AtomicInteger callbackThreads = new AtomicInteger();
        this.callbacks = Executors.newFixedThreadPool(CALLBACK_THREADS, r -> {
            Thread t = new Thread(r, "halfmoon-callback-" + role + "-" + callbackThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.scheduler = newScheduler("client-" + role);
        long routeMs = options.routeRefresh().toMillis();
        scheduler.scheduleWithFixedDelay(keepGoing("route refresh", this::refreshRoutes), routeMs, routeMs,
                TimeUnit.MILLISECONDS);
        long beatMs = options.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(keepGoing("heartbeat", this::heartbeatAll), beatMs, beatMs, TimeUnit.MILLISECONDS);
    }

    /**
     * {@code future} as handed to the application: completed on a callback thread, never on the client's one network
     * thread (a callback that blocks there, on a send say, would stall every request of this client).
     */
    <T> CompletableFuture<T> toApplication(CompletableFuture<T> future) {
        return future.handleAsync((result, error) -> {
            if (error != null) {
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            return result;
        }, task -> {
            try {
                callbacks.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException closed) { // (the client closed meanwhile)
                task.run();
            }
        });
    }

    void checkOpen() {
        if (closed) {
            throw new ClientException.Closed("the client is closed");
        }
    }

    /** The route of {@code topic}, fetched if not known yet. */
    TopicRoute route(String topic) {
        TopicRoute r = routes.get(topic);
        return r != null ? r : fetchRoute(topic);
    }

    /**
     * The route fresh from a name server, or, if none answers or only some say the topic does not exist, the one
     * known: a send retried after a broker failed can still go to another broker while the name servers are down,
     * slow, or one of them just restarted and has not heard from the brokers yet.
     */
    TopicRoute freshRoute(String topic) {
        try {
            return fetchRoute(topic);
        } catch (ClientException.Unavailable | ClientException.NoRoute | ClientException.Rejected e) {
            TopicRoute known = routes.get(topic);
            if (known == null) {
                throw e;
            }
            return known;
        }
    }

    /**
     * Asks the name servers (each in turn until one routes it) for the route of {@code topic}. The route known is
     * forgotten only when every name server says the topic does not exist: one that restarted knows no topics until
     * the brokers register again (up to 30 s), and RocketMQ's client keeps its route then too.
     *
     * @throws ClientException.NoRoute if a name server says the topic has no route and none routes it
     * @throws ClientException.Rejected if a name server refuses the request and none routes it
     * @throws ClientException.Unavailable if no name server answers
     */
    TopicRoute fetchRoute(String topic) {
        List<String> servers = options.nameServers();
        RuntimeException last = null;
        ClientException refused = null;
        int notExist = 0;
        int first = preferredNameServer.get();
        for (int i = 0; i < servers.size(); i++) {
            int turn = Math.floorMod(first + i, servers.size());
            String ns = servers.get(turn);
            try {
                RemotingCommand r = remoting.invokeSync(ns, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC,
                        Map.of("topic", topic), null), options.requestTimeout().toMillis());
                if (r.code() == ResponseCode.TOPIC_NOT_EXIST) {
                    notExist++;
                    refused = new ClientException.NoRoute("no route for topic " + topic + ": " + r.remark());
                    continue;
                }
                if (r.code() != ResponseCode.SUCCESS) {
                    refused = refused instanceof ClientException.NoRoute ? refused : new ClientException.Rejected(r.code(),
                            "name server " + ns + " refused the route of " + topic + ": " + r.remark());
                    continue;
                }
                preferredNameServer.set(turn); // a silent one costs one timeout, not one in every few requests
                return remember(topic, TopicRoute.of(topic, Json.decode(r.body(), TopicRouteData.class)));
            } catch (RemotingException e) {
                last = e;
            }
        }
        if (notExist == servers.size()) {
            routes.remove(topic);
        }
        if (refused != null) {
            throw refused;
        }
        throw new ClientException.Unavailable("no name server of " + servers + " answered for topic " + topic, last);
    }

    private TopicRoute remember(String topic, TopicRoute route) {
        Set<String> before = brokers();
        routes.put(topic, route);
        if (!before.containsAll(route.masters().values())) {
            scheduler.execute(this::heartbeatAll);
        }
        return route;
    }

    private void refreshRoutes() {
        if (heartbeatEverywhere) {
            discoverBrokers();
        }
        for (String topic : Set.copyOf(routes.keySet())) {
            try {
                fetchRoute(topic);
            } catch (RuntimeException e) {
                LOG.debug("route refresh of {} failed: {}", topic, e.getMessage());
            }
        }
    }

    /** Every broker master address of the routes known (and of the whole cluster, when heartbeating everywhere). */
    Set<String> brokers() {
        Set<String> all = new HashSet<>(clusterBrokers);
        for (TopicRoute r : routes.values()) {
            all.addAll(r.masters().values());
        }
        return all;
    }

    /**
     * Heartbeats to every master broker of every cluster the name servers know, not only those of
     * routes used so far: a restarted transaction producer then receives check-backs before it
     * sends anything.
     */
    void heartbeatEverywhere() {
        heartbeatEverywhere = true;
        discoverBrokers();
        scheduler.execute(this::heartbeatAll);
    }

    @SuppressWarnings("unchecked")
    private void discoverBrokers() {
        for (String ns : options.nameServers()) {
            try {
                RemotingCommand r = remoting.invokeSync(ns, RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO, null,
                        null), options.requestTimeout().toMillis());
                if (r.code() == ResponseCode.SUCCESS) {
                    dev.halfmoon.remoting.body.ClusterInfo info = Json.decode(r.body(), dev.halfmoon.remoting.body.ClusterInfo.class);
                    clusterBrokers.clear();
                    info.brokerAddrTable().values().forEach(b -> {
                        if (b.masterAddress() != null) {
                            clusterBrokers.add(b.masterAddress());
                        }
                    });
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("cluster info from {} failed: {}", ns, e.getMessage());
            }
        }
    }

    /** The master address of {@code brokerName}, from any known route; null if unknown. */
    String brokerAddress(String brokerName) {
        for (TopicRoute r : routes.values()) {
            String a = r.masters().get(brokerName);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    /** Sends a heartbeat to every known broker now. */
    void heartbeatAll() {
        if (closed) {
            return;
        }
        HeartbeatData data = heartbeat.get();
        byte[] body = Json.encode(data);
        for (String broker : brokers()) {
            remoting.invokeAsync(broker, RemotingCommand.request(RequestCode.HEART_BEAT, null, body),
                    options.requestTimeout().toMillis()).exceptionally(e -> null);
        }
    }

    /** Tells every broker this client leaves the given groups. */
    void unregister(String producerGroup, String consumerGroup) {
        for (String broker : brokers()) {
            Map<String, String> header = new java.util.HashMap<>();
            header.put("clientID", clientId);
            if (producerGroup != null) {
                header.put("producerGroup", producerGroup);
            }
            if (consumerGroup != null) {
                header.put("consumerGroup", consumerGroup);
            }
            try {
                remoting.invokeSync(broker, RemotingCommand.request(RequestCode.UNREGISTER_CLIENT, header, null), 1000);
            } catch (RuntimeException e) {
                LOG.debug("unregister from {} failed: {}", broker, e.getMessage());
            }
        }
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * A scheduler thread of its own ({@code halfmoon-<name>}), shut down with this client: work that waits on brokers
     * (a consumer's rebalance and commits) then never holds up the heartbeats and route refreshes of this one.
     */
    ScheduledExecutorService newScheduler(String name) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "halfmoon-" + name);
            t.setDaemon(true);
            return t;
        });
        schedulers.add(s);
        return s;
    }

    /**
     * {@code task} for a periodic schedule: a failure is logged and the next run comes (a scheduled task that throws
     * is never run again, silently: no more heartbeats, say, and the brokers drop this client).
     */
    static Runnable keepGoing(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed (tried again at its next turn): {}", what, e.toString());
            }
        };
    }

    Collection<String> knownTopics() {
        return routes.keySet();
    }

    @Override
    public void close() {
        closed = true;
        schedulers.forEach(ScheduledExecutorService::shutdownNow);
        remoting.close(); // (fails what is in flight; those failures reach the application through the callbacks)
        callbacks.shutdown(); // (callbacks already queued still run)
    }
}
