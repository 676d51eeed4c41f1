package dev.halfmoon.broker.metrics;

import dev.halfmoon.broker.offset.GroupProgress;
import dev.halfmoon.checkback.CheckBackService;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.txn.PendingListener;
import dev.halfmoon.txn.PendingTransaction;
import dev.halfmoon.txn.TransactionCoordinator;
import dev.halfmoon.txn.TransactionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The broker's meters, exposed at {@code /metrics} in Prometheus text: messages and bytes in and
 * out (by topic, and group for out), send and end-transaction latency, pending transactions and
 * the oldest one's age, check-backs sent / answered by outcome / timed out / given up, resolutions
 * by outcome, consumer lag by group and topic, flush latency, store size and free disk.
 * Thread-safe.
 */
public final class BrokerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokerMetrics.class);
    private final Map<String, Counter[]> inByTopic = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> outByTopicGroup = new ConcurrentHashMap<>();
    /** The most (topic, group) pairs exported. */
    static final int MAX_GROUP_SERIES = 5_000;
    private final java.util.Set<String> lagSeries = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean seriesCapped = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<TransactionState, Counter> resolved = new java.util.EnumMap<>(TransactionState.class);
    private final Map<String, Counter> answered = new ConcurrentHashMap<>();
    private final Map<TransactionState, Counter> lateCommits = new ConcurrentHashMap<>();
    private final Throughput throughput;
    private final KeyedStats keyed;
    private final Timer sendLatency;
    private final Timer endLatency;
    private final GroupProgress progress;
    private final dev.halfmoon.txn.PendingIndex pending;
    private final LongSupplier checksSent;

    public BrokerMetrics(LogStore store, GroupProgress progress, TransactionCoordinator transactions,
                         CheckBackService checks, Path storeDir, Clock clock) {
        this.throughput = new Throughput(clock, java.time.ZoneId.systemDefault());
        this.keyed = new KeyedStats(clock);
        this.progress = progress;
        this.pending = transactions.index();
        this.checksSent = checks::sentCount;
        this.sendLatency = Timer.builder("halfmoon_send_latency").description("time to store a sent message")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.endLatency = Timer.builder("halfmoon_end_transaction_latency").description("time to apply an END_TRANSACTION")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("halfmoon_transactions_pending", transactions.index(), i -> i.size())
                .description("transactions whose outcome is not known yet").register(registry);
        Gauge.builder("halfmoon_transactions_oldest_pending_age_seconds", transactions.index(), i -> {
            long oldest = i.oldestStoreTimestamp();
            return oldest < 0 ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0;
        }).register(registry);
        FunctionCounter.builder("halfmoon_checkbacks_sent", checks, CheckBackService::sentCount).register(registry);
        FunctionCounter.builder("halfmoon_checkbacks_deferred", checks, CheckBackService::deferredCount)
                .description("check-backs that could not be sent (no live producer) and wait to be retried").register(registry);
        FunctionCounter.builder("halfmoon_checkbacks_timed_out", checks, CheckBackService::unansweredCount)
                .description("check-backs that got no final answer before the next check or the give-up was due").register(registry);
        FunctionCounter.builder("halfmoon_transactions_given_up", checks, CheckBackService::givenUpCount).register(registry);
        FunctionTimer.builder("halfmoon_flush", store, LogStore::flushCount, LogStore::flushNanos, TimeUnit.NANOSECONDS)
                .description("commit-log flushes").register(registry);
        Gauge.builder("halfmoon_store_size_bytes", store, s -> s.writtenOffset() - s.minCommitLogOffset()).register(registry);
        Gauge.builder("halfmoon_store_disk_free_bytes", storeDir, BrokerMetrics::freeBytes).register(registry);
        Gauge.builder("halfmoon_store_corrupt_records", store, s -> s.health().corruptRecords())
                .description("corrupt records found on reads (refused, not served)").register(registry);
        // a group's lag from the start, not from its first delivery: a group stuck since before a restart is the one
        // an alert on lag must see
        for (String group : progress.groups()) {
            for (String topic : progress.topicsOf(group)) {
                if (lagSeries.size() < MAX_GROUP_SERIES) {
                    lagGauge(topic, group);
                }
            }
        }
        for (TransactionState s : java.util.List.of(TransactionState.COMMITTED, TransactionState.ROLLED_BACK,
                TransactionState.GIVEN_UP)) {
            resolved.put(s, Counter.builder("halfmoon_transactions_resolved").tag("outcome", s.name().toLowerCase())
                    .description("transactions resolved, by outcome").register(registry));
        }
        transactions.index().addListener(new PendingListener() {
            @Override
            public void onPending(PendingTransaction transaction) {
            }

            @Override
            public void onRemoved(long halfOffset) {
            }

            @Override
            public void onResolved(PendingTransaction transaction, TransactionState outcome) {
                Counter c = resolved.get(outcome);
                if (c != null) {
                    c.increment();
                }
            }
        });
    }

    /** Exports how many pulls wait for messages (long polling) as {@code halfmoon_pulls_held}. */
    public void pullsHeld(dev.halfmoon.broker.pull.PullHolds holds) {
        Gauge.builder("halfmoon_pulls_held", holds, h -> h.size())
                .description("consumer pulls waiting for messages to arrive (long polling)").register(registry);
    }

    /** Exports how many consumer groups {@code clients} keeps: with members, or left and not yet forgotten. */
    public void consumerGroups(dev.halfmoon.broker.client.ClientRegistry clients) {
        Gauge.builder("halfmoon_consumer_groups", clients, c -> c.consumerGroupsHeld())
                .description("consumer groups the broker keeps members of (a group left by all is forgotten within "
                        + "a quarter of channelExpiredTimeout)").register(registry);
    }

    /**
     * Exports {@code count} as {@code halfmoon_requests_on_network_thread{request=...}}: requests of one
     * kind that ran on the network thread that read them instead of waiting for a worker.
     *
     * @param source what {@code count} reads; the registry holds it only weakly, so it must be an
     *               object that lives as long as the broker (the server), never a lambda made here
     */
    public <T> void countOnNetworkThread(String request, T source, ToLongFunction<T> count) {
        FunctionCounter.builder("halfmoon_requests_on_network_thread", source, s -> count.applyAsLong(s))
                .tag("request", request)
                .description("requests run on the network thread that read them (NetworkThreadRules), by kind")
                .register(registry);
    }

    private static double freeBytes(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** A send stored {@code count} messages of {@code bytes} on {@code topic}, taking {@code nanos}. */
    public void sent(String topic, int count, long bytes, long nanos) {
        Counter[] c = inByTopic.computeIfAbsent(topic, t -> new Counter[] {
            Counter.builder("halfmoon_messages_in").tag("topic", t).register(registry),
            Counter.builder("halfmoon_bytes_in").tag("topic", t).register(registry)});
        c[0].increment(count);
        c[1].increment(bytes);
        throughput.stored(count);
        keyed.add(KeyedStats.TOPIC_PUT_NUMS, topic, count);
        keyed.add(KeyedStats.TOPIC_PUT_SIZE, topic, bytes);
        sendLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A pull delivered {@code count} messages of {@code bytes} from {@code topic} to {@code group}. */
    public void delivered(String topic, String group, int count, long bytes) {
        throughput.delivered(count);
        String key = topic + "@" + group; // (RocketMQ's key: '@' is in neither name)
        keyed.add(KeyedStats.GROUP_GET_NUMS, key, count);
        keyed.add(KeyedStats.GROUP_GET_SIZE, key, bytes);
        Counter[] c = outByTopicGroup.get(key);
        if (c == null) {
            if (outByTopicGroup.size() >= MAX_GROUP_SERIES) { // group names come from clients: bounded
                if (seriesCapped.compareAndSet(false, true)) {
                    LOG.warn("{} topic-and-group series in /metrics: messages and lag of further pairs are not exported",
                            MAX_GROUP_SERIES);
                }
                return;
            }
            c = outByTopicGroup.computeIfAbsent(key, k -> {
                lagGauge(topic, group);
                return new Counter[] {
                    Counter.builder("halfmoon_messages_out").tag("topic", topic).tag("group", group).register(registry),
                    Counter.builder("halfmoon_bytes_out").tag("topic", topic).tag("group", group).register(registry)};
            });
        }
        c[0].increment(count);
        c[1].increment(bytes);
    }

    private void lagGauge(String topic, String group) {
        if (lagSeries.add(topic + "\u0000" + group)) {
            Gauge.builder("halfmoon_consumer_lag", () -> progress.lag(group, topic)).tag("topic", topic).tag("group", group)
                    .description("messages stored but not yet committed by the group").register(registry);
        }
    }

    /**
     * A producer's COMMIT came after its transaction was rolled back ({@code outcome}: rolled back, or given up after
     * its check-backs): the producer committed locally, the broker delivers nothing. Operators alert on this.
     */
    public void lateCommit(TransactionState outcome) {
        lateCommits.computeIfAbsent(outcome, o -> Counter.builder("halfmoon_transactions_late_commits")
                .tag("outcome", o.name().toLowerCase()).description("COMMITs that came after the transaction was rolled "
                        + "back or given up: the producer committed, the message is not delivered").register(registry))
                .increment();
    }

    /** An END_TRANSACTION took {@code nanos}; {@code checkAnswer} is the decision if it answered a check-back. */
    public void endTransaction(long nanos, String checkAnswer) {
        endLatency.record(nanos, TimeUnit.NANOSECONDS);
        if (checkAnswer != null) {
            answered.computeIfAbsent(checkAnswer, a -> Counter.builder("halfmoon_checkbacks_answered")
                    .tag("outcome", a.toLowerCase()).register(registry)).increment();
        }
    }

    /** Messages stored and delivered per second and per day, for RocketMQ's runtime info. */
    public Throughput throughput() {
        return throughput;
    }

    /** Sums and rates by topic and by topic and group, for RocketMQ's tooling. */
    public KeyedStats keyed() {
        return keyed;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** Cumulative counts for the history chart. */
    public History.Totals totals(long nowMs) {
        return new History.Totals(nowMs, pending.size(), tagged("halfmoon_transactions_resolved", "outcome", "committed"),
                tagged("halfmoon_transactions_resolved", "outcome", "rolled_back"), checksSent.getAsLong());
    }

    private double tagged(String name, String tag, String value) {
        return registry.find(name).tag(tag, value).counters().stream().mapToDouble(Counter::count).sum();
    }
}
