package dev.halfmoon.log;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics whose consume queues were dropped (a deleted topic), each with the commit-log offset of its drop: no record of
 * the topic below that offset goes to a queue again, not in a replay after a crash nor a rebuild, while the log still
 * holds them. A topic made again after its drop starts at queue offset 0 with records above it. Kept, synced, in the
 * checkpoints table as {@code "dropped/" + topic → int64 offset} until retention has deleted every record below it.
 *
 * <p>Thread-safe: {@link #add} under the commit log's append lock, {@link #covers} and {@link #runPending} on the
 * dispatch thread, {@link #pruneBelow} on the retention thread.
 */
final class TopicDrops {
    private static final Logger LOG = LoggerFactory.getLogger(TopicDrops.class);
    private static final String PREFIX = "dropped/";

    /** A drop the dispatch thread carries out at its next turn, completing {@code done}. */
    private record Pending(String topic, CompletableFuture<Void> done) {
    }

    private final KvTable<String, Long> table;
    /** Topic → drop offset; replaced, never changed in place (read per record by the dispatch thread). */
    private volatile Map<String, Long> below;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

    private TopicDrops(KvTable<String, Long> table, Map<String, Long> below) {
        this.table = table;
        this.below = Map.copyOf(below);
    }

    static TopicDrops load(MetadataStore metadata) {
        KvTable<String, Long> table = metadata.table(MetadataTable.CHECKPOINTS, Codec.STRING, Codec.LONG);
        Map<String, Long> below = new HashMap<>();
        table.forEachWithPrefix(PREFIX, (key, offset) -> below.put(key.substring(PREFIX.length()), offset));
        return new TopicDrops(table, below);
    }

    /**
     * Opening: a drop recorded past the end of the recovered log (ASYNC_FLUSH, the log's tail lost to a crash that
     * its synced record survived) is moved to that end, so that records written from there on are queued.
     */
    synchronized void clampTo(long end) {
        Map<String, Long> next = new HashMap<>(below);
        next.replaceAll((topic, at) -> {
            if (at > end) {
                table.put(PREFIX + topic, end);
                LOG.info("topic {}: its drop at commit-log offset {} is past the recovered log's end, moved to {}",
                        topic, at, end);
                return end;
            }
            return at;
        });
        below = Map.copyOf(next);
    }

    /** Whether the record of {@code topic} at {@code offset} was stored before its topic's queues were dropped. */
    boolean covers(String topic, long offset) {
        Map<String, Long> b = below;
        if (b.isEmpty()) {
            return false;
        }
        Long at = b.get(topic);
        return at != null && offset < at;
    }

    /** The offset of {@code topic}'s last drop, or -1. */
    long droppedAt(String topic) {
        return below.getOrDefault(topic, -1L);
    }

    /**
     * Records, synced, that {@code topic}'s records below {@code offset} are no longer queued, and asks the dispatch
     * thread to drop the topic's queues before it dispatches anything above (completing {@code done}).
     */
    synchronized void add(String topic, long offset, CompletableFuture<Void> done) {
        table.put(PREFIX + topic, offset);
        Map<String, Long> next = new HashMap<>(below);
        next.put(topic, offset);
        below = Map.copyOf(next);
        pending.add(new Pending(topic, done));
    }

    /** Dispatch thread, before it dispatches: drops the queues of the topics asked for since. */
    void runPending(ConsumeQueues queues) {
        for (Pending p = pending.poll(); p != null; p = pending.poll()) {
            try {
                int dropped = queues.drop(p.topic());
                LOG.info("topic {}: {} consume queues dropped; its records below commit-log offset {} are no longer "
                        + "queued", p.topic(), dropped, droppedAt(p.topic()));
                p.done().complete(null);
            } catch (RuntimeException e) {
                p.done().completeExceptionally(e);
            }
        }
    }

    /** Retention: forgets drops below which no record is left ({@code logMinOffset} at or past them). */
    synchronized void pruneBelow(long logMinOffset) {
        Map<String, Long> next = new HashMap<>(below);
        if (next.values().removeIf(at -> at <= logMinOffset)) {
            below.forEach((topic, at) -> {
                if (at <= logMinOffset) {
                    table.delete(PREFIX + topic);
                }
            });
            below = Map.copyOf(next);
        }
    }

    /** Every drop still in force: topic → offset. */
    Map<String, Long> all() {
        return below;
    }
}
