package dev.halfmoon.log.meta;

/**
 * The RocksDB column families of the metadata store and whether their writes are synced to disk
 * before returning. Synced tables hold what must survive an OS crash the moment it is written.
 */
public enum MetadataTable {
    /** Topic configurations, by topic. */
    TOPICS("topics", true),
    /** Subscription-group configurations, by group. */
    SUBSCRIPTION_GROUPS("groups", true),
    /** Committed consumer offsets; written often, durable at the next checkpoint. */
    CONSUMER_OFFSETS("offsets", false),
    /** Recovery checkpoints of the store and the layers above it. */
    CHECKPOINTS("checkpoints", true),
    /** Message key and unique-id index, rebuilt from the log after a crash. */
    MESSAGE_INDEX("msgindex", false),
    /** Snapshots kept by the layers above the log (the transaction coordinator's pending set), written in checkpoint batches. */
    SNAPSHOTS("snapshots", false);

    private final String columnFamily;
    private final boolean synced;

    MetadataTable(String columnFamily, boolean synced) {
        this.columnFamily = columnFamily;
        this.synced = synced;
    }

    public String columnFamily() {
        return columnFamily;
    }

    public boolean synced() {
        return synced;
    }
}
