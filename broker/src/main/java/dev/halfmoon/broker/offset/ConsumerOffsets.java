package dev.halfmoon.broker.offset;

import dev.halfmoon.log.meta.KvTable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Committed consumer offsets by group, topic and queue: in memory, written through to the metadata
 * store (durable at its next synced write, within a second). A commit never moves an offset
 * backwards unless {@link #reset} says so. Thread-safe.
 *
 * <pre>key: topic "@" group "@" queueId   value: int64 offset</pre>
 */
public final class ConsumerOffsets {
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();
    private final KvTable<String, Long> table;

    private ConsumerOffsets(KvTable<String, Long> table) {
        this.table = table;
    }

    public static ConsumerOffsets load(KvTable<String, Long> table) {
        ConsumerOffsets o = new ConsumerOffsets(table);
        table.forEach(o.offsets::put);
        return o;
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
            table.put(key, offset);
        }
    }

    /** Sets an offset even backwards (an operator's reset). */
    public void reset(String group, String topic, int queueId, long offset) {
        String key = key(group, topic, queueId);
        offsets.put(key, offset);
        table.put(key, offset);
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
