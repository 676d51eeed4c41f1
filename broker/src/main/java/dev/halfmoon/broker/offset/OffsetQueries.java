package dev.halfmoon.broker.offset;

import dev.halfmoon.log.LogStore;
import java.util.OptionalLong;

/**
 * Where a consumer starts on a queue: its committed offset, or, like RocketMQ, 0 when it has none
 * and the queue still holds its first record (so a new group on a young queue reads from the
 * start). Thread-safe.
 */
public final class OffsetQueries {
    private final ConsumerOffsets offsets;
    private final LogStore store;

    public OffsetQueries(ConsumerOffsets offsets, LogStore store) {
        this.offsets = offsets;
        this.store = store;
    }

    /** The offset to start from, or empty when the client must decide (QUERY_NOT_FOUND). */
    public OptionalLong startOffset(String group, String topic, int queueId) {
        long committed = offsets.get(group, topic, queueId);
        if (committed >= 0) {
            return OptionalLong.of(committed);
        }
        return store.minQueueOffset(topic, queueId) == 0 ? OptionalLong.of(0) : OptionalLong.empty();
    }
}
