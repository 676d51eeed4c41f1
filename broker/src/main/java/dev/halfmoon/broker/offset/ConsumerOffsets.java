package dev.halfmoon.broker.offset;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.log.meta.MetadataBatch;
import dev.halfmoon.log.meta.MetadataException;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed consumer offsets by group, topic and queue: in memory, written behind to the metadata
 * store by one writer thread, so a commit carried by a pull never waits on RocksDB on a network
 * thread. The writer runs {@value #WRITE_DELAY_MS} ms after the first unwritten commit and reads
 * the latest values when it writes, so the commits of a busy consumer cost one write (and one
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

    private void writeBehind(String key) {
        dirty.add(key);
        if (writeScheduled.compareAndSet(false, true)) {
            try {
                writer.schedule(this::writeDirty, WRITE_DELAY_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                writeScheduled.set(false);
                writeDirty();
            }
        }
    }

    /** Writes every dirty key's current value in one batch; after a failure they stay dirty for the next round. */
    private void writeDirty() {
        writeScheduled.set(false);
        List<String> keys = new ArrayList<>(dirty);
        if (keys.isEmpty()) {
            return;
        }
        keys.forEach(dirty::remove);
        try (MetadataBatch batch = metadata.batch()) {
            for (String key : keys) {
                table.put(batch, key, offsets.get(key));
            }
            batch.write(false);
        } catch (MetadataException e) {
            dirty.addAll(keys);
            LOG.error("{} consumer offsets not written to the metadata store; retried with the next commit", keys.size(), e);
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
        if (offset < 0) {
            return;
        }
        String key = key(group, topic, queueId);
        Long previous = offsets.put(key, offset);
        if (previous == null || previous != offset) {
            writeBehind(key);
        }
    }

    /** Sets an offset even backwards (an operator's reset). */
    public void reset(String group, String topic, int queueId, long offset) {
        String key = key(group, topic, queueId);
        offsets.put(key, offset);
        writeBehind(key);
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
        String infix = "@" + group + "@";
        offsets.keySet().forEach(k -> {
            int at = k.indexOf(infix);
            if (at > 0 && k.lastIndexOf('@') == at + infix.length() - 1) {
                result.add(k.substring(0, at));
            }
        });
        return result;
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
