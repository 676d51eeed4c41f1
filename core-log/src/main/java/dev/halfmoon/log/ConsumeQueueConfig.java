package dev.halfmoon.log;

/**
 * Settings of the consume queues and the message index. Immutable; validated on construction.
 *
 * @param entriesPerFile     20-byte entries per consume-queue file (RocketMQ: 300 000, i.e.
 *                           {@code mappedFileSizeConsumeQueue} 6 000 000 bytes)
 * @param messageIndexEnable index message keys and unique ids in RocksDB ({@code messageIndexEnable}, default true)
 */
public record ConsumeQueueConfig(int entriesPerFile, boolean messageIndexEnable) {
    public ConsumeQueueConfig {
        if (entriesPerFile < 16 || entriesPerFile > 10_000_000) {
            throw new IllegalArgumentException("consume-queue entries per file must be 16..10000000, was " + entriesPerFile
                    + " (mappedFileSizeConsumeQueue / 20)");
        }
    }

    public static ConsumeQueueConfig defaults() {
        return new ConsumeQueueConfig(300_000, true);
    }
}
