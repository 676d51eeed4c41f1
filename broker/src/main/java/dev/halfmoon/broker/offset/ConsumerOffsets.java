package dev.halfmoon.broker.offset;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.log.meta.MetadataBatch;
import dev.halfmoon.log.meta.MetadataException;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed consumer offsets by group, topic and queue: in memory, written behind to the metadata
 * store by one writer thread, so a commit carried by a pull never waits on RocksDB on a network
 * thread. The writer runs {@value #WRITE_DELAY_MS} ms after the first unwritten commit and writes
 * a consistent cut of the latest values, so the commits of a busy consumer cost one write (and one
 * wake-up) per interval, not one per pull; a broker killed in that window re-delivers at most
 * those milliseconds of messages. Written offsets are durable at the metadata store's next synced
 * write, within a second; {@link #close} writes whatever is left. Commits store what the consumer
 * says, as RocketMQ does (a consumer may move its own offset back); {@link #reset} is the
 * operator's way to do so for a group. Thread-safe.
 *
 * <pre>key: topic "@" group "@" queueId   value: int64 offset</pre>
 */
public final class ConsumerOffsets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerOffsets.class);
    static final long WRITE_DELAY_MS = 10;
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean writeScheduled = new AtomicBoolean();
    /** Commits hold it shared; the writer holds it exclusively while it copies the dirty values. */
    private final ReentrantReadWriteLock cut = new ReentrantReadWriteLock();
    private final Object writing = new Object();
    private final KvTable<String, Long> table;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "offset-writer");
        t.setDaemon(true);
        return t;
    });

    private final MetadataStore metadata;

    private ConsumerOffsets(MetadataStore metadata) {
        this.metadata = metadata;
        this.table = metadata.table(MetadataTable.CONSUMER_OFFSETS, Codec.STRING, Codec.LONG);
    }

    /** The offsets kept in {@code metadata}. */
    public static ConsumerOffsets load(MetadataStore metadata) {
        ConsumerOffsets o = new ConsumerOffsets(metadata);
        o.table.forEach(o.offsets::put);
        return o;
    }

    /**
     * Sets back every offset beyond its queue's end ({@code queueEnd}: topic, queue id → max offset): the log lost a
     * tail the metadata kept (ASYNC_FLUSH and a power loss; a data dir restored from a backup). New messages take the
     * offsets in between, and a group whose offset stayed past them would never get them. Offsets of groups in
     * {@code skipped} (a broker service keeping its own kind of progress) are left alone.
     *
     * @return how many were set back
     */
    public int clampToQueueEnds(java.util.function.ToLongBiFunction<String, Integer> queueEnd, Set<String> skipped) {
        int moved = 0;
        for (Map.Entry<String, Long> e : offsets.entrySet()) {
            String k = e.getKey();
            int first = k.indexOf('@');
            int last = k.lastIndexOf('@');
            if (first <= 0 || last <= first || skipped.contains(k.substring(first + 1, last))) {
                continue;
            }
            String topic = k.substring(0, first);
            long end = queueEnd.applyAsLong(topic, Integer.parseInt(k.substring(last + 1)));
            if (e.getValue() > end) {
                if (moved++ < 20) {
                    LOG.warn("consumer offset {} of {} is beyond its queue's end {}: the log lost a tail the offsets kept "
                            + "(a power loss under ASYNC_FLUSH?); set back to {}", e.getValue(), k, end, end);
                }
                set(k, end, true);
            }
        }
        if (moved > 20) {
            LOG.warn("{} consumer offsets in all were beyond their queue's end and set back to it", moved);
        }
        return moved;
    }

    /** Sets {@code key}, marking it for the writer; part of the next cut unless a cut is being taken. */
    private void set(String key, long offset, boolean force) {
        boolean changed;
        cut.readLock().lock();
        try {
            Long previous = offsets.put(key, offset);
            changed = force || previous == null || previous != offset;
            if (changed) {
                dirty.add(key);
            }
        } finally {
            cut.readLock().unlock();
        }
        if (changed) {
            scheduleWrite(WRITE_DELAY_MS);
        }
    }

    private void scheduleWrite(long delayMs) {
        if (writeScheduled.compareAndSet(false, true)) {
            try {
                writer.schedule(this::writeDirty, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                writeScheduled.set(false);
                writeDirty();
            }
        }
    }

    /**
     * Writes a consistent cut of the dirty offsets in one batch: the values are copied while no
     * commit can change them, so whoever commits A before B (the delay scheduler's progress before
     * its scan position) never finds B written without A after a crash. Batches are written one at
     * a time. After a failure the keys stay dirty and a retry is scheduled a second later.
     */
    private boolean writeDirty() {
        writeScheduled.set(false);
        synchronized (writing) {
            Map<String, Long> values = new HashMap<>();
            cut.writeLock().lock();
            try {
                for (String key : dirty) {
                    values.put(key, offsets.get(key));
                }
                dirty.clear();
            } finally {
                cut.writeLock().unlock();
            }
            if (values.isEmpty()) {
                return true;
            }
            try (MetadataBatch batch = metadata.batch()) {
                values.forEach((key, value) -> table.put(batch, key, value));
                batch.write(false);
                return true;
            } catch (RuntimeException e) {
                dirty.addAll(values.keySet());
                LOG.error("{} consumer offsets not written to the metadata store; retrying in a second", values.size(), e);
                if (!writer.isShutdown()) {
                    scheduleWrite(1000);
                }
                return false;
            }
        }
    }

    /** Writes what is still dirty and stops the writer thread (a scheduled write still runs); later commits write at once. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the consumer offset writer did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeDirty();
    }

    private static String key(String group, String topic, int queueId) {
        return topic + "@" + group + "@" + queueId;
    }

    /** The committed offset, or -1. */
    public long get(String group, String topic, int queueId) {
        return offsets.getOrDefault(key(group, topic, queueId), -1L);
    }

    /** Commits {@code offset} (a consumer's progress). */
    public void commit(String group, String topic, int queueId, long offset) {
        if (offset >= 0) {
            set(key(group, topic, queueId), offset, false);
        }
    }

    /**
     * Commits a consumer's {@code offset} unless it is past {@code queueEnd}: no consumer can have read past the
     * queue's end, and one that says so kept its position across a broker restart that lost the log's tail
     * (ASYNC_FLUSH and a power loss). Its offset stays where it was (set back to the end at start), below the new
     * messages that took the offsets in between, so they are delivered. False if ignored.
     */
    public boolean commitWithin(String group, String topic, int queueId, long offset, long queueEnd) {
        if (offset > queueEnd) {
            return false;
        }
        commit(group, topic, queueId, offset);
        return true;
    }

    /** Sets an offset even backwards (an operator's reset). */
    public void reset(String group, String topic, int queueId, long offset) {
        set(key(group, topic, queueId), offset, true);
    }

    /**
     * Writes every offset set so far now, not within {@value #WRITE_DELAY_MS} ms: before acknowledging an operator's
     * reset. False if the write failed (it is retried a second later).
     */
    public boolean writeNow() {
        return writeDirty();
    }

    /** Forgets every offset of {@code group} (its subscription was deleted with its offsets), in memory and on disk. */
    public void removeGroup(String group) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        forEachKeyOf(group, (key, topic) -> keys.add(key));
        remove(keys);
    }

    /**
     * Forgets every group's offsets on {@code topic} (deleted: its queues start again at 0, where an old offset would
     * skip the first messages of a topic made again under that name), in memory and on disk.
     */
    public void removeTopic(String topic) {
        String prefix = topic + "@"; // (no topic name holds '@')
        remove(offsets.keySet().stream().filter(k -> k.startsWith(prefix)).toList());
    }

    /** Removes {@code keys}, in memory and on disk, synced: an offset that came back after a crash would skip messages. */
    private void remove(java.util.List<String> keys) {
        synchronized (writing) {
            cut.writeLock().lock();
            try {
                keys.forEach(k -> {
                    offsets.remove(k);
                    dirty.remove(k);
                });
            } finally {
                cut.writeLock().unlock();
            }
            if (!keys.isEmpty()) {
                try (MetadataBatch batch = metadata.batch()) {
                    keys.forEach(k -> table.delete(batch, k));
                    batch.write(true);
                }
            }
        }
    }

    /** Every queue of {@code topic} with an offset of {@code group}: queue id → offset. */
    public Map<Integer, Long> ofGroupAndTopic(String group, String topic) {
        String prefix = topic + "@" + group + "@";
        Map<Integer, Long> result = new TreeMap<>();
        offsets.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(Integer.parseInt(k.substring(prefix.length())), v);
            }
        });
        return result;
    }

    /** Topics on which {@code group} has committed offsets. */
    public java.util.Set<String> topicsOf(String group) {
        java.util.Set<String> result = new java.util.TreeSet<>();
        forEachKeyOf(group, (key, topic) -> result.add(topic));
        return result;
    }

    /** Calls {@code action} with each key of {@code group}'s offsets and its topic. */
    private void forEachKeyOf(String group, java.util.function.BiConsumer<String, String> action) {
        String infix = "@" + group + "@";
        offsets.keySet().forEach(k -> {
            int at = k.indexOf(infix);
            if (at > 0 && k.lastIndexOf('@') == at + infix.length() - 1) {
                action.accept(k, k.substring(0, at));
            }
        });
    }

    /** Groups that have committed offsets on {@code topic}. */
    public java.util.Set<String> groupsOf(String topic) {
        java.util.Set<String> groups = new java.util.TreeSet<>();
        String prefix = topic + "@";
        offsets.keySet().forEach(k -> {
            if (k.startsWith(prefix)) {
                String rest = k.substring(prefix.length());
                groups.add(rest.substring(0, rest.lastIndexOf('@')));
            }
        });
        return groups;
    }

    /** Every group with a committed offset somewhere. */
    public java.util.Set<String> groups() {
        java.util.Set<String> groups = new java.util.TreeSet<>();
        offsets.keySet().forEach(k -> {
            int last = k.lastIndexOf('@');
            int first = k.lastIndexOf('@', last - 1);
            if (first >= 0) {
                groups.add(k.substring(first + 1, last));
            }
        });
        return groups;
    }
}
