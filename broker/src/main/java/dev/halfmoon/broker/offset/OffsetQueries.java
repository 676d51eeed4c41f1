package dev.halfmoon.broker.offset;

import dev.halfmoon.log.LogStore;
import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * Where a consumer starts on a queue: its committed offset, or, like RocketMQ, 0 when it has none and the queue's
 * first record is recent (within {@code accessMessageInMemoryMaxRatio}, 40 %, of the machine's memory from the log's
 * end, RocketMQ's "still in memory"), so that a new group on a young queue reads it from the start; otherwise
 * nothing (QUERY_NOT_FOUND), and the client starts where its consume-from setting says, at the end by default.
 * Thread-safe.
 */
public final class OffsetQueries {
    private final ConsumerOffsets offsets;
    private final LogStore store;
    private final long recentBytes;

    public OffsetQueries(ConsumerOffsets offsets, LogStore store) {
        this(offsets, store, physicalMemoryBytes() * 40 / 100);
    }

    /** @param recentBytes how far from the log's end a queue's first record may be for a new group to start there */
    OffsetQueries(ConsumerOffsets offsets, LogStore store, long recentBytes) {
        this.offsets = offsets;
        this.store = store;
        this.recentBytes = recentBytes;
    }

    /** The offset to start from, or empty when the client must decide (QUERY_NOT_FOUND). */
    public OptionalLong startOffset(String group, String topic, int queueId) {
        long committed = offsets.get(group, topic, queueId);
        if (committed >= 0) {
            return OptionalLong.of(committed);
        }
        if (store.minQueueOffset(topic, queueId) != 0) {
            return OptionalLong.empty();
        }
        if (store.maxQueueOffset(topic, queueId) == 0) {
            return OptionalLong.of(0); // (nothing yet: the start is the end)
        }
        var first = store.readQueue(topic, queueId, 0, 1, 1 << 20, null).records();
        boolean recent = !first.isEmpty() && store.writtenOffset() - first.get(0).commitLogOffset() <= recentBytes;
        return recent ? OptionalLong.of(0) : OptionalLong.empty();
    }

    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }
}
