package dev.halfmoon.log;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.nio.file.Path;
import java.util.List;

/** Opens a real store in a directory, with small segments and queue files, and reopens it. */
final class StoreFixture implements AutoCloseable {
    static final int SEGMENT_BYTES = 64 * 1024;

    final Path dir;
    StoreConfig config;
    StoreHooks hooks = StoreHooks.defaults();
    MetadataStore metadata;
    LogStore store;

    StoreFixture(Path dir) {
        this(dir, FlushMode.ASYNC_FLUSH);
    }

    StoreFixture(Path dir, FlushMode mode) {
        this.dir = dir;
        this.config = StoreConfig.defaults(dir)
                .withCommitLog(CommitLogConfig.defaults().withSegmentSizeBytes(SEGMENT_BYTES).withFlushMode(mode)
                        .withFlushIntervalMs(20))
                .withConsumeQueue(new ConsumeQueueConfig(64, true));
    }

    LogStore open() {
        metadata = MetadataStore.open(config.metadataDir());
        try {
            store = LogStore.open(config, metadata, hooks);
        } catch (RuntimeException e) { // (a refused start leaves nothing open)
            metadata.close();
            metadata = null;
            throw e;
        }
        return store.start(List.of());
    }

    LogStore reopen() {
        close();
        return open();
    }

    /** Closes the store (cleanly) and forgets its checkpoint, as if the last one was taken before any data. */
    void closeAndForgetCheckpoint() {
        close();
        try (MetadataStore meta = MetadataStore.open(config.metadataDir())) {
            var table = meta.table(MetadataTable.CHECKPOINTS, Codec.STRING, Codec.BYTES);
            table.forEach((k, v) -> table.delete(k));
        }
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
        }
        if (metadata != null) {
            metadata.close();
            metadata = null;
        }
    }
}
