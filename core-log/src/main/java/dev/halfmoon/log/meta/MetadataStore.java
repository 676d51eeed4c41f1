package dev.halfmoon.log.meta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The broker's metadata in one RocksDB database, one column family per {@link MetadataTable}.
 * Opened once per store directory; thread-safe; close it last, after everything that writes to it.
 */
public final class MetadataStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handles;
    private final Map<MetadataTable, ColumnFamilyHandle> families = new EnumMap<>(MetadataTable.class);
    private final WriteOptions synced = new WriteOptions().setSync(true);
    private final WriteOptions unsynced = new WriteOptions();

    private MetadataStore(RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions, List<ColumnFamilyHandle> handles) {
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.handles = handles;
        for (MetadataTable table : MetadataTable.values()) {
            families.put(table, handles.get(table.ordinal() + 1));
        }
    }

    /**
     * Opens (or creates) the database in {@code dir}.
     *
     * @throws MetadataException if RocksDB cannot open it (another process holds it, corrupt files, no space)
     */
    public static MetadataStore open(Path dir) {
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2).setKeepLogFileNum(3);
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().optimizeForSmallDb();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (MetadataTable table : MetadataTable.values()) {
            descriptors.add(new ColumnFamilyDescriptor(table.columnFamily().getBytes(), cfOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            return new MetadataStore(db, dbOptions, cfOptions, handles);
        } catch (RocksDBException | IOException e) {
            dbOptions.close();
            cfOptions.close();
            String message = String.valueOf(e.getMessage());
            String hint = message.contains("No space left") ? " (the disk is full: free space on it and start again)"
                    : message.contains("LOCK") ? " (is another broker using this data directory?)" : "";
            throw new MetadataException("cannot open the metadata database in " + dir + ": " + message + hint, e);
        }
    }

    /** A typed view of {@code table}. */
    public <K, V> KvTable<K, V> table(MetadataTable table, Codec<K> keys, Codec<V> values) {
        return new KvTable<>(db, families.get(table), table, table.synced() ? synced : unsynced, unsynced, keys, values);
    }

    /**
     * Applies {@code batch} atomically; synced if {@code sync}. A synced write also makes every earlier
     * unsynced write durable (they share the write-ahead log).
     */
    public void write(WriteBatch batch, boolean sync) {
        try {
            db.write(sync ? synced : unsynced, batch);
        } catch (RocksDBException e) {
            throw new MetadataException("write batch of " + batch.count() + " entries", e);
        }
    }

    /** A new atomic batch of writes across tables. */
    public MetadataBatch batch() {
        return new MetadataBatch(this);
    }

    RocksDB db() {
        return db;
    }

    ColumnFamilyHandle family(MetadataTable table) {
        return families.get(table);
    }

    @Override
    public void close() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            // closing anyway; the write-ahead log is replayed at the next open
        }
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        synced.close();
        unsynced.close();
        dbOptions.close();
        cfOptions.close();
    }
}
