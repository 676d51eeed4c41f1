package dev.halfmoon.broker.offset;

import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.log.meta.MetadataException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed consumer offsets by group, topic and queue: in memory, written behind to the metadata
 * store by one writer thread, so a commit carried by a pull never waits on RocksDB on a network
 * thread. The writer reads the latest value when it writes, so a burst of commits of one queue
 * costs one write; it is normally microseconds behind (durable at the store's next synced write,
 * within a second), and {@link #close} writes whatever is left. Commits store what the consumer
 * says, as RocketMQ does (a consumer may move its own offset back); {@link #reset} is the
 * operator's way to do so for a group. Thread-safe.
 *
 * <pre>key: topic "@" group "@" queueId   value: int64 offset</pre>
 */
public final class ConsumerOffsets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerOffsets.class);
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean writeScheduled = new AtomicBoolean();
    private final KvTable<String, Long> table;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "offset-writer");
        t.setDaemon(true);
        return t;
    });

    private ConsumerOffsets(KvTable<String, Long> table) {
        this.table = table;
    }

    public static ConsumerOffsets load(KvTable<String, Long> table) {
        ConsumerOffsets o = new ConsumerOffsets(table);
        table.forEach(o.offsets::put);
        return o;
    }

    private void writeBehind(String key) {
        dirty.add(key);
        if (writeScheduled.compareAndSet(false, true)) {
            try {
                writer.execute(this::writeDirty);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                writeScheduled.set(false);
                writeDirty();
            }
        }
    }

    /** Writes every dirty key's current value; a failed write stays dirty for the next round. */
    private void writeDirty() {
        writeScheduled.set(false);
        for (String key : dirty) {
            dirty.remove(key);
            try {
                table.put(key, offsets.get(key));
            } catch (MetadataException e) {
                dirty.add(key);
                LOG.error("consumer offset {} not written to the metadata store; retried with the next commit", key, e);
                return;
            }
        }
    }

    /** Writes what is still dirty and stops the writer thread; later commits write at once. */
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
