package dev.halfmoon.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The next queue offset of every topic queue, assigned at append. Confined to the holder of the
 * commit log's append lock. A queue seen for the first time starts where its consume queue ends.
 * Offsets taken by an append that then fails are given back with {@link #rollback}.
 */
final class QueueOffsets {
    /** A counter and the value it had before a take. */
    private record Undo(long[] counter, long before) {
    }

    private final Map<TopicQueue, long[]> next = new HashMap<>();
    private final ToLongFunction<TopicQueue> initial;
    private final List<Undo> undo = new ArrayList<>();

    QueueOffsets(ToLongFunction<TopicQueue> initial) {
        this.initial = initial;
    }

    /** Takes the next offset of {@code queue}, remembering it for {@link #rollback}. */
    long take(TopicQueue queue) {
        long[] counter = next.computeIfAbsent(queue, q -> new long[] {initial.applyAsLong(q)});
        undo.add(new Undo(counter, counter[0]));
        return counter[0]++;
    }

    /** {@code topic}'s queues (those counted here and {@code queueIds}) start again at offset 0: its queues were dropped. */
    void restart(String topic, java.util.Collection<Integer> queueIds) {
        java.util.Set<Integer> ids = new java.util.HashSet<>(queueIds);
        next.keySet().forEach(q -> {
            if (q.topic().equals(topic)) {
                ids.add(q.queueId());
            }
        });
        for (int id : ids) {
            next.put(new TopicQueue(topic, id), new long[] {0});
        }
    }

    /** The current append succeeded: forget the undo list. */
    void commit() {
        undo.clear();
    }

    /** The current append failed: give back every offset taken since the last commit. */
    void rollback() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            undo.get(i).counter()[0] = undo.get(i).before();
        }
        undo.clear();
    }
}
