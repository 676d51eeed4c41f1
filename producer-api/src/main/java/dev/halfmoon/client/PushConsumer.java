package dev.halfmoon.client;

import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.body.ConsumerData;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.SubscriptionData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives messages and hands them to a {@link MessageHandler}. In a clustering group the queues
 * of each topic are shared among the members (rebalanced when members come and go); in a
 * broadcasting group every member gets every message. Failed messages are redelivered later
 * through the group's retry topic and, after the maximum reconsume times, parked in its dead-letter
 * topic; a broadcasting member retries a failed message in place, a second apart, and after the
 * maximum skips it with an error in its log. An ordered consumer holds a broker lock per queue and handles one message of a queue at
 * a time. Offsets are committed every second and at close. Thread-safe.
 *
 * <pre>{@code
 * PushConsumer consumer = PushConsumer.builder(ClientOptions.of("127.0.0.1:9876"), "payment-service")
 *         .subscribe("OrderCreated", "*")
 *         .handler(message -> { pay(message); return ConsumeResult.SUCCESS; })
 *         .start();
 * }</pre>
 */
public final class PushConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushConsumer.class);

    /** Builds and starts a {@link PushConsumer}. Not thread-safe. */
    public static final class Builder {
        private final ClientOptions options;
        private final String group;
        private final Map<String, String> subscriptions = new LinkedHashMap<>();
        private MessageHandler handler;
        private boolean ordered;
        private boolean broadcasting;
        private java.nio.file.Path offsetFile;
        private boolean fromFirst = true;
        private int threads = 8;
        private int maxReconsumeTimes = 16;
        private Duration rebalanceInterval = Duration.ofSeconds(5);

        private Builder(ClientOptions options, String group) {
            this.options = Objects.requireNonNull(options);
            this.group = Objects.requireNonNull(group);
        }

        /** Subscribes to {@code topic}, filtered by tags ("*" for all, or "TagA || TagB"). */
        public Builder subscribe(String topic, String tagExpression) {
            subscriptions.put(topic, tagExpression);
            return this;
        }

        public Builder handler(MessageHandler messageHandler) {
            this.handler = messageHandler;
            return this;
        }

        /** Handle the messages of each queue one at a time, in order (queue locks, retries in place). */
        public Builder ordered() {
            this.ordered = true;
            return this;
        }

        /**
         * Every member gets every message; each member keeps its own offsets, in
         * {@code ~/.halfmoon_offsets/<instanceName>/<group>/offsets.json} (directory: system property
         * {@code halfmoon.client.localOffsetStoreDir}), so a restarted member goes on where it stopped.
         * Members of one group on one host need different instance names.
         */
        public Builder broadcasting() {
            return broadcasting(LocalOffsetStore.defaultFile(options.instanceName(), group));
        }

        /** {@link #broadcasting()}, with the offsets kept in {@code offsetFile}. */
        public Builder broadcasting(java.nio.file.Path offsetFile) {
            this.broadcasting = true;
            this.offsetFile = Objects.requireNonNull(offsetFile);
            return this;
        }

        /** A queue this group never consumed starts at its end (default: at its beginning). */
        public Builder fromLast() {
            this.fromFirst = false;
            return this;
        }

        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Redeliveries before a message goes to the dead-letter topic (16); -1 for ordered: retry forever. */
        public Builder maxReconsumeTimes(int n) {
            this.maxReconsumeTimes = n;
            return this;
        }

        public Builder rebalanceInterval(Duration interval) {
            this.rebalanceInterval = interval;
            return this;
        }

        private Builder copy() {
            Builder c = new Builder(options, group);
            c.subscriptions.putAll(subscriptions);
            c.handler = handler;
            c.ordered = ordered;
            c.broadcasting = broadcasting;
            c.offsetFile = offsetFile;
            c.fromFirst = fromFirst;
            c.threads = threads;
            c.maxReconsumeTimes = maxReconsumeTimes;
            c.rebalanceInterval = rebalanceInterval;
            return c;
        }

        /**
         * Starts consuming.
         *
         * @throws IllegalStateException without a handler or a subscription
         */
        public PushConsumer start() {
            if (handler == null || subscriptions.isEmpty()) {
                throw new IllegalStateException("a push consumer needs a handler and at least one subscription");
            }
            if (threads < 1 || threads > 1000) { // (checked before a client, with its threads, is made)
                throw new IllegalArgumentException("threads must be 1..1000, was " + threads);
            }
            PushConsumer c = new PushConsumer(copy()); // the builder may be changed and started again: not this one
            try {
                c.startRebalancing();
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        }
    }

    private final Builder config; // (a copy, made at start)
    private final ClientCore core;
    private final java.util.concurrent.ScheduledExecutorService tasks;
    private final ConsumerWire wire;
    private final HandlerPool pool;
    private final Map<String, SubscriptionData> subscriptions = new LinkedHashMap<>();
    private final Map<QueueRef, QueueWorker> workers = new ConcurrentHashMap<>();
    /** Ordered queues given up whose handler still has a message: locked and not started again until it is done. */
    private final Map<QueueRef, QueueWorker> stopping = new ConcurrentHashMap<>();
    /** How long close waits for handlers to finish the messages they have before interrupting them. */
    private static final long CLOSE_WAIT_MS = 10_000;
    private final GroupOffsets offsets;
    private final Object rebalanceLock = new Object();
    private volatile boolean closed;

    private PushConsumer(Builder b) {
        this.config = b;
        LocalOffsetStore localOffsets = b.broadcasting ? new LocalOffsetStore(b.offsetFile) : null;
        b.subscriptions.forEach((topic, expr) -> subscriptions.put(topic, SubscriptionData.ofTags(topic, expr)));
        if (!b.broadcasting) {
            subscriptions.put("%RETRY%" + b.group, SubscriptionData.ofTags("%RETRY%" + b.group, "*"));
        }
        try {
            this.core = new ClientCore(b.options, "consumer", this::heartbeatData);
        } catch (RuntimeException e) {
            if (localOffsets != null) {
                localOffsets.close(); // release the offsets file for the next attempt
            }
            throw e;
        }
        this.tasks = core.newScheduler("consumer-" + b.group); // rebalance, commits, releases: in this order
        this.wire = new ConsumerWire(core, b.group);
        this.offsets = new GroupOffsets(wire, localOffsets, b.fromFirst);
        this.pool = new HandlerPool(b.group, b.threads);
        core.remoting.register(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (ch, req) -> {
            if (!closed) {
                tasks.execute(this::rebalance);
            }
            return null;
        }, Runnable::run);
        core.remoting.register(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (ch, req) -> {
            resetOffsets(req);
            return null;
        }, tasks);
    }

    /**
     * A broker reset this group's offsets (mqadmin resetOffsetByTime, halfmoon-admin group reset): each of its queues
     * this member consumes starts again from the new offset, dropping what it pulled before.
     */
    private void resetOffsets(RemotingCommand request) {
        GroupOffsets.resetTable(request, config.group).forEach((q, offset) -> {
            QueueWorker w = workers.get(q);
            if (w == null) {
                w = stopping.get(q); // (handed over, its handler finishing: its commit must carry the reset too)
            }
            if (w != null) {
                w.reset(offset);
            }
        });
    }

    public static Builder builder(ClientOptions options, String group) {
        return new Builder(options, group);
    }

    private HeartbeatData heartbeatData() {
        ConsumerData data = new ConsumerData(config.group, "CONSUME_PASSIVELY", config.broadcasting ? "BROADCASTING" : "CLUSTERING",
                config.fromFirst ? "CONSUME_FROM_FIRST_OFFSET" : "CONSUME_FROM_LAST_OFFSET",
                new HashSet<>(subscriptions.values()), false);
        return new HeartbeatData(core.clientId, Set.of(), Set.of(data));
    }

    private void startRebalancing() {
        for (String topic : subscriptions.keySet()) {
            try {
                core.fetchRoute(topic);
            } catch (ClientException e) {
                if (topic.startsWith("%RETRY%")) { // a new group's: the broker makes it on the heartbeat that follows
                    LOG.debug("no route for retry topic {} yet: {}", topic, e.getMessage());
                } else {
                    LOG.warn("no route for subscribed topic {} yet: {}", topic, e.getMessage());
                }
            }
        }
        core.heartbeatAll();
        long every = config.rebalanceInterval.toMillis();
        tasks.scheduleWithFixedDelay(ClientCore.keepGoing("rebalance", this::rebalance), 0, every, TimeUnit.MILLISECONDS);
        tasks.scheduleWithFixedDelay(ClientCore.keepGoing("offset commit", () -> commitAll(false)), 1, 1, TimeUnit.SECONDS);
    }

    /** Works out which queues this member consumes and starts or stops their workers. */
    private void rebalance() {
        if (closed) {
            return;
        }
        synchronized (rebalanceLock) {
            if (closed) { // (close() cleared the workers while this waited: starting some now would leak them)
                return;
            }
            Set<QueueRef> target = new HashSet<>();
            for (String topic : subscriptions.keySet()) {
                try {
                    target.addAll(assignment(topic));
                } catch (RuntimeException e) {
                    LOG.debug("rebalance of {} skipped: {}", topic, e.getMessage());
                    workers.keySet().stream().filter(q -> q.topic().equals(topic)).forEach(target::add);
                }
            }
            for (QueueRef q : new ArrayList<>(workers.keySet())) {
                if (!target.contains(q)) {
                    stopWorker(q);
                }
            }
            if (config.ordered) {
                relock(target);
            }
            for (QueueRef q : target) {
                if (!workers.containsKey(q) && !stopping.containsKey(q)) {
                    startWorker(q);
                }
            }
        }
    }

    private List<QueueRef> assignment(String topic) {
        List<QueueRef> all = new ArrayList<>(core.fetchRoute(topic).readable());
        if (config.broadcasting || all.isEmpty()) {
            return all;
        }
        List<String> members = new ArrayList<>(wire.members(all.get(0)));
        if (!members.contains(core.clientId)) {
            // a broker that restarted knows no member until it heartbeats: keep the queues rather than drop them all
            core.heartbeatAll();
            throw new IllegalStateException("the broker does not list this member yet (" + members.size()
                    + " members); keeping the current queues");
        }
        members.sort(null);
        return Allocation.averagely(all, members, core.clientId);
    }

    private void relock(Set<QueueRef> target) {
        Set<QueueRef> wanted = new HashSet<>(target);
        wanted.addAll(stopping.keySet()); // handed over, handler still busy: locked until release() unlocks them
        Set<QueueRef> locked = wire.lock(wanted);
        target.retainAll(locked);
        // a running worker whose lock was not renewed (expired, or taken after a broker restart) stops pulling
        // until it holds it again: another member may be consuming that queue now
        workers.forEach((q, w) -> w.pause(!locked.contains(q)));
    }

    private void startWorker(QueueRef q) {
        long start;
        try {
            start = offsets.start(q);
        } catch (RuntimeException e) {
            LOG.debug("no start offset for {} yet: {}", q, e.getMessage());
            return;
        }
        SubscriptionData sub = subscriptions.get(q.topic());
        QueueWorker w = new QueueWorker(q, start, new QueueWorker.Settings(wire, config.handler, pool.executor(), config.ordered,
                config.maxReconsumeTimes, sub.subString(), sub.matchesAll() ? Set.of() : sub.tagsSet(), config.broadcasting));
        workers.put(q, w);
        w.start();
    }

    private void stopWorker(QueueRef q) {
        QueueWorker w = workers.remove(q);
        if (w == null) {
            return;
        }
        w.stop();
        if (!config.ordered) {
            offsets.commit(w, true);
            return;
        }
        stopping.put(q, w);
        release(w);
    }

    /**
     * An ordered queue is unlocked, letting another member start on it, only once the handler is done with the message
     * it has (RocketMQ waits likewise): until then this member holds the lock and does not start the queue again.
     */
    private void release(QueueWorker w) {
        if (!w.idle()) {
            tasks.schedule(() -> release(w), 50, TimeUnit.MILLISECONDS);
            return;
        }
        offsets.commit(w, true);
        wire.unlock(w.queue());
        stopping.remove(w.queue(), w);
    }

    private void commitAll(boolean sync) {
        for (QueueWorker w : workers.values()) {
            offsets.commit(w, sync);
        }
        offsets.persist();
    }

    /** The queues this member consumes now. */
    public Set<QueueRef> assignedQueues() {
        return Set.copyOf(workers.keySet());
    }

    /**
     * Stops consuming, lets the handlers finish the messages they have (up to 10 s, then interrupts them; their messages
     * are delivered again), commits offsets, unlocks ordered queues, leaves the group and closes connections. May be
     * called from a handler (it then does not wait for its own message).
     */
    @Override
    public void close() {
        closed = true;
        List<QueueWorker> stopped = new ArrayList<>();
        synchronized (rebalanceLock) {
            stopped.addAll(workers.values());
            stopped.addAll(stopping.values());
            workers.clear();
            stopping.clear();
            stopped.forEach(QueueWorker::stop);
        }
        // the messages handlers have are finished (up to CLOSE_WAIT_MS) before offsets are committed and ordered
        // queues unlocked: no other member starts on one of them while it is still being handled here
        pool.finish(CLOSE_WAIT_MS);
        for (QueueWorker w : stopped) {
            offsets.commit(w, true);
            if (config.ordered) {
                wire.unlock(w.queue());
            }
        }
        core.unregister(null, config.group);
        pool.close();
        core.close();
        offsets.close();
    }
}
