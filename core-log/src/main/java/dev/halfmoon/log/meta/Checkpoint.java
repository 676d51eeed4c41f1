package dev.halfmoon.log.meta;

import dev.halfmoon.log.TopicQueue;
import java.util.Map;

/**
 * What the store knew to be durable at one moment. Immutable.
 *
 * @param flushedOffset    every frame below this commit-log offset was on disk (a frame boundary)
 * @param dispatchedOffset every record below this offset had its consume-queue entry and index entries on disk
 * @param queueEnds        each consume queue's end at that moment (entries below it were on disk)
 */
public record Checkpoint(long flushedOffset, long dispatchedOffset, Map<TopicQueue, Long> queueEnds) {
    public static final Checkpoint NONE = new Checkpoint(0, 0, Map.of());

    public Checkpoint {
        queueEnds = Map.copyOf(queueEnds);
    }

    // equals and hashCode written out: a record's own are bootstrapped by invokedynamic on first use, which spins
    // some fifteen method-handle classes on the start's main thread (the store compares checkpoints as it opens)
    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && flushedOffset == c.flushedOffset && dispatchedOffset == c.dispatchedOffset
                && queueEnds.equals(c.queueEnds);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(flushedOffset) * 31 + Long.hashCode(dispatchedOffset)) * 31 + queueEnds.hashCode();
    }
}
