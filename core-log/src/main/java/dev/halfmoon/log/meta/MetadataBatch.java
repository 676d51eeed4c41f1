package dev.halfmoon.log.meta;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Writes to several metadata tables applied atomically: all or none, also across a crash.
 * Build it with {@link KvTable#put(MetadataBatch, Object, Object)} and friends, then {@link #write}.
 * Not thread-safe; one owner.
 */
public final class MetadataBatch implements AutoCloseable {
    private final MetadataStore store;
    private final WriteBatch batch = new WriteBatch();

    MetadataBatch(MetadataStore store) {
        this.store = store;
    }

    void put(ColumnFamilyHandle family, byte[] key, byte[] value) {
        try {
            batch.put(family, key, value);
        } catch (RocksDBException e) {
            throw new MetadataException("batch put", e);
        }
    }

    void delete(ColumnFamilyHandle family, byte[] key) {
        try {
            batch.delete(family, key);
        } catch (RocksDBException e) {
            throw new MetadataException("batch delete", e);
        }
    }

    /** Number of writes collected. */
    public int size() {
        return batch.count();
    }

    /** Applies every write at once; synced to disk when {@code sync}. */
    public void write(boolean sync) {
        store.write(batch, sync);
        batch.clear();
    }

    @Override
    public void close() {
        batch.close();
    }
}
