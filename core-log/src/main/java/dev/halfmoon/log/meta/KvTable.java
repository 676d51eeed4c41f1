package dev.halfmoon.log.meta;

import java.util.Arrays;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * A typed view of one metadata table. Thread-safe (RocksDB is). Writes to a synced table are on
 * disk when the call returns.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class KvTable<K, V> {
    private final RocksDB db;
    private final ColumnFamilyHandle family;
    private final MetadataTable table;
    private final WriteOptions writeOptions;
    private final WriteOptions unsynced;
    private final Codec<K> keys;
    private final Codec<V> values;

    KvTable(RocksDB db, ColumnFamilyHandle family, MetadataTable table, WriteOptions writeOptions,
            WriteOptions unsynced, Codec<K> keys, Codec<V> values) {
        this.db = db;
        this.family = family;
        this.table = table;
        this.writeOptions = writeOptions;
        this.unsynced = unsynced;
        this.keys = keys;
        this.values = values;
    }

    /** The value of {@code key}, or null. */
    public V get(K key) {
        try {
            byte[] bytes = db.get(family, keys.encode(key));
            return bytes == null ? null : values.decode(bytes);
        } catch (RocksDBException e) {
            throw new MetadataException("read " + key + " from " + table, e);
        }
    }

    public void put(K key, V value) {
        put(key, value, writeOptions);
    }

    /**
     * Writes without waiting for the disk, even on a synced table (for entries that are recreated
     * at every start anyway). The next synced write makes it durable too.
     */
    public void putUnsynced(K key, V value) {
        put(key, value, unsynced);
    }

    private void put(K key, V value, WriteOptions options) {
        try {
            db.put(family, options, keys.encode(key), values.encode(value));
        } catch (RocksDBException e) {
            throw new MetadataException("write " + key + " to " + table, e);
        }
    }

    public void delete(K key) {
        try {
            db.delete(family, writeOptions, keys.encode(key));
        } catch (RocksDBException e) {
            throw new MetadataException("delete " + key + " from " + table, e);
        }
    }

    /** Adds a put to {@code batch} (applied when the batch is written). */
    public void put(MetadataBatch batch, K key, V value) {
        batch.put(family, keys.encode(key), values.encode(value));
    }

    /** Adds a delete to {@code batch}. */
    public void delete(MetadataBatch batch, K key) {
        batch.delete(family, keys.encode(key));
    }

    /** Every entry, in key byte order. */
    public void forEach(BiConsumer<K, V> action) {
        forEachWithPrefix(null, action);
    }

    /** Every entry whose encoded key starts with the encoding of {@code prefix}, in key byte order. */
    public void forEachWithPrefix(K prefix, BiConsumer<K, V> action) {
        byte[] start = prefix == null ? null : keys.encode(prefix);
        try (RocksIterator it = db.newIterator(family)) {
            if (start == null) {
                it.seekToFirst();
            } else {
                it.seek(start);
            }
            for (; it.isValid(); it.next()) {
                byte[] key = it.key();
                if (start != null && (key.length < start.length
                        || !Arrays.equals(key, 0, start.length, start, 0, start.length))) {
                    break;
                }
                action.accept(keys.decode(key), values.decode(it.value()));
            }
        }
    }
}
