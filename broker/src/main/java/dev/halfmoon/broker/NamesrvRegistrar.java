package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerIdentity;
import dev.halfmoon.broker.config.NamesrvClientConfig;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.RegisterBrokerBody;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the broker and its topics with every name server: at start, every
 * {@code registerNameServerPeriod}, and soon after a topic changes; unregisters at shutdown.
 * A name server that does not answer is logged and tried again next period. Runs on
 * {@code halfmoon-register}; thread-safe.
 */
public final class NamesrvRegistrar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NamesrvRegistrar.class);

    private final NamesrvClientConfig config;
    private final BrokerIdentity identity;
    private final String brokerAddr;
    private final TopicRegistry topics;
    private final RemotingClient client;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "halfmoon-register");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Map<String, Boolean> reachable = new HashMap<>();

    public NamesrvRegistrar(NamesrvClientConfig config, BrokerIdentity identity, String brokerAddr, TopicRegistry topics,
                            RemotingClient client) {
        this.config = config;
        this.identity = identity;
        this.brokerAddr = brokerAddr;
        this.topics = topics;
        this.client = client;
    }

    /** Registers now (waiting up to 3 s for the first answers), then periodically and on topic changes. */
    public void start() {
        topics.addListener(this::soon); // before the first snapshot: a topic made meanwhile is registered soon after
        try {
            registerNow().get(3500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // logged per name server; the periodic registration retries
        }
        scheduler.scheduleWithFixedDelay(this::registerAll, config.registerPeriodMs(), config.registerPeriodMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Registers now with every name server; completes once each has answered or failed (each within 3 s). An admin's
     * topic change is answered after it, as RocketMQ's is: a client started right after finds the route.
     */
    public CompletableFuture<Void> registerNow() {
        try { // on the registrar's one thread: registrations leave in the order of their snapshots, so none is older
            return CompletableFuture.supplyAsync(this::registerAll, scheduler)
                    .thenCompose(CompletableFuture::allOf).handle((ignored, error) -> null);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Registers within 50 ms, coalescing bursts of topic changes. */
    public void soon() {
        if (pending.compareAndSet(false, true)) {
            try {
                scheduler.schedule(() -> {
                    pending.set(false);
                    registerAll();
                }, 50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) { // shutting down: the topic is saved; no more news
                pending.set(false);
            }
        }
    }

    private CompletableFuture<?>[] registerAll() {
        byte[] body = Json.encode(new RegisterBrokerBody(topics.snapshot(), List.of()));
        CRC32 crc = new CRC32();
        crc.update(body);
        Map<String, String> header = new HashMap<>();
        header.put("brokerName", identity.brokerName());
        header.put("brokerAddr", brokerAddr);
        header.put("clusterName", identity.clusterName());
        header.put("haServerAddr", brokerAddr);
        header.put("brokerId", Long.toString(identity.brokerId()));
        header.put("compressed", "false");
        header.put("bodyCrc32", Long.toString(crc.getValue() & 0x7FFFFFFF));
        // the whole table, each time: a Halfmoon name server drops the topics it lacks (an Apache one ignores this)
        header.put(dev.halfmoon.remoting.HalfmoonHeaders.WHOLE_TOPIC_TABLE, "true");
        List<String> addresses = config.addresses();
        CompletableFuture<?>[] futures = new CompletableFuture<?>[addresses.size()];
        for (int i = 0; i < addresses.size(); i++) {
            String namesrv = addresses.get(i);
            futures[i] = client.invokeAsync(namesrv, RemotingCommand.request(RequestCode.REGISTER_BROKER, header, body), 3000)
                    .whenComplete((response, error) -> note(namesrv, error == null && response.code() == ResponseCode.SUCCESS,
                            error != null ? error.getMessage() : response.remark()));
        }
        return futures;
    }

    private synchronized void note(String namesrv, boolean ok, String why) {
        Boolean before = reachable.put(namesrv, ok);
        if (ok && !Boolean.TRUE.equals(before)) {
            LOG.info("registered {} with name server {}", brokerAddr, namesrv);
        } else if (!ok && !Boolean.FALSE.equals(before)) {
            LOG.warn("cannot register with name server {}: {} (retrying every {} ms)", namesrv, why, config.registerPeriodMs());
        }
    }

    /** Stops registering and tells every name server the broker is leaving. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        Map<String, String> header = Map.of("brokerName", identity.brokerName(), "brokerAddr", brokerAddr,
                "clusterName", identity.clusterName(), "brokerId", Long.toString(identity.brokerId()));
        for (String namesrv : config.addresses()) {
            try {
                client.invokeSync(namesrv, RemotingCommand.request(RequestCode.UNREGISTER_BROKER, header, null), 1000);
            } catch (RuntimeException e) {
                LOG.info("could not unregister from {}: {}", namesrv, e.getMessage());
            }
        }
    }
}
