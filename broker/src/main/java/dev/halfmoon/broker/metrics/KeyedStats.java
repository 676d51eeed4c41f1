package dev.halfmoon.broker.metrics;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters by name and key with their sums and rates over the last minute, hour and day, as RocketMQ's broker keeps
 * them for its tooling: VIEW_BROKER_STATS_DATA, which {@code mqadmin statsAll} and RocketMQ's dashboard send for
 * {@link #TOPIC_PUT_NUMS} by topic and {@link #GROUP_GET_NUMS} by {@code topic@group}. Every {@link #SAMPLE_MS} each item
 * is sampled into a ring of 7 (the last minute), every 10 minutes into a ring of 7 (the hour) and every hour into a
 * ring of 25 (the day); a window's figures run from its oldest sample to now. Counting is a {@link LongAdder} add.
 * Items that did not move for a whole day are dropped, and a name keeps at most {@link #MAX_KEYS} keys (group names
 * come from clients). Thread-safe.
 */
public final class KeyedStats {
    /** Messages stored, by topic. */
    public static final String TOPIC_PUT_NUMS = "TOPIC_PUT_NUMS";
    /** Bytes stored, by topic. */
    public static final String TOPIC_PUT_SIZE = "TOPIC_PUT_SIZE";
    /** Messages delivered, by {@code topic@group}. */
    public static final String GROUP_GET_NUMS = "GROUP_GET_NUMS";
    /** Bytes delivered, by {@code topic@group}. */
    public static final String GROUP_GET_SIZE = "GROUP_GET_SIZE";
    /** How often {@link #sample} is to run. */
    public static final long SAMPLE_MS = 10_000;
    /** The most keys one name keeps. */
    static final int MAX_KEYS = 10_000;
    private static final int HOUR_EVERY = 60; // samples: 10 minutes
    private static final int DAY_EVERY = 360; // samples: an hour
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeyedStats.class);

    /** Figures over one window: the sum, per second, and per counted call ({@code avgpt}: messages per send). */
    public record Window(long sum, double tps, double avgpt) {
    }

    /** One item's windows. */
    public record Snapshot(Window statsMinute, Window statsHour, Window statsDay) {
    }

    private final Clock clock;
    private final Map<String, Map<String, Item>> names = Map.of(TOPIC_PUT_NUMS, new ConcurrentHashMap<>(),
            TOPIC_PUT_SIZE, new ConcurrentHashMap<>(), GROUP_GET_NUMS, new ConcurrentHashMap<>(),
            GROUP_GET_SIZE, new ConcurrentHashMap<>());
    private final AtomicBoolean capped = new AtomicBoolean();
    private long samples;

    public KeyedStats(Clock clock) {
        this.clock = clock;
    }

    /** Counts {@code value} (messages, bytes) for one call under {@code name} (one of the constants) and {@code key}. */
    public void add(String name, String key, long value) {
        Map<String, Item> items = names.get(name);
        Item item = items.get(key);
        if (item == null) {
            if (items.size() >= MAX_KEYS) {
                if (capped.compareAndSet(false, true)) {
                    LOG.warn("{} keys of {}: further topics or groups get no per-key stats (mqadmin statsAll)", MAX_KEYS, name);
                }
                return;
            }
            item = items.computeIfAbsent(key, k -> new Item(clock.millis()));
        }
        item.value.add(value);
        item.calls.increment();
    }

    /** The windows of {@code name} and {@code key}, if anything was counted for them in the last day. */
    public Optional<Snapshot> snapshot(String name, String key) {
        Map<String, Item> items = names.get(name);
        Item item = items == null ? null : items.get(key);
        return item == null ? Optional.empty() : Optional.of(item.snapshot(clock.millis()));
    }

    /** Takes the samples due (every {@link #SAMPLE_MS}), and once an hour drops the items idle for a day. */
    public synchronized void sample() {
        long now = clock.millis();
        samples++;
        boolean hour = samples % HOUR_EVERY == 0;
        boolean day = samples % DAY_EVERY == 0;
        for (Map<String, Item> items : names.values()) {
            for (Map.Entry<String, Item> e : items.entrySet()) {
                Item item = e.getValue();
                if (item.sample(now, hour, day)) {
                    items.remove(e.getKey(), item);
                }
            }
        }
    }

    /** One counter and its rings of samples (time, value, calls). */
    private static final class Item {
        final LongAdder value = new LongAdder();
        final LongAdder calls = new LongAdder();
        private final Ring minute = new Ring(7);
        private final Ring hour = new Ring(7);
        private final Ring day = new Ring(25);

        Item(long now) {
            for (Ring r : new Ring[] {minute, hour, day}) {
                r.add(now, 0, 0);
            }
        }

        /** Samples the rings due; true if the item did not move for a whole day. */
        synchronized boolean sample(long now, boolean hourly, boolean daily) {
            long v = value.sum();
            long n = calls.sum();
            minute.add(now, v, n);
            if (hourly) {
                hour.add(now, v, n);
            }
            if (daily) {
                day.add(now, v, n);
                return day.full() && day.oldest()[2] == n;
            }
            return false;
        }

        synchronized Snapshot snapshot(long now) {
            long v = value.sum();
            long n = calls.sum();
            return new Snapshot(minute.since(now, v, n), hour.since(now, v, n), day.since(now, v, n));
        }
    }

    /** The last {@code capacity} samples. Guarded by its item. */
    private static final class Ring {
        private final long[][] samples;
        private int next;
        private int size;

        Ring(int capacity) {
            samples = new long[capacity][3];
        }

        void add(long time, long value, long calls) {
            samples[next][0] = time;
            samples[next][1] = value;
            samples[next][2] = calls;
            next = (next + 1) % samples.length;
            size = Math.min(size + 1, samples.length);
        }

        boolean full() {
            return size == samples.length;
        }

        long[] oldest() {
            return samples[(next - size + samples.length) % samples.length];
        }

        /** From the oldest sample to now. */
        Window since(long now, long value, long calls) {
            long[] first = oldest();
            long sum = value - first[1];
            long ms = now - first[0];
            long n = calls - first[2];
            return new Window(sum, ms > 0 ? sum * 1000.0 / ms : 0, n > 0 ? (double) sum / n : 0);
        }
    }
}
