package dev.halfmoon.txn;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.log.meta.MetadataBatch;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pending set and the log position it reflects, in the metadata store, so that start-up reads
 * the snapshot and only the log after it. Each save writes only what changed, atomically and synced.
 *
 * <pre>
 * "txn/position"           → int64: every coordinator record below it is reflected
 * "txn/p/" + 16 hex digits → a pending transaction ({@link PendingCodec}), keyed by half offset
 * </pre>
 * One writer (the checkpoint caller); thread-safe for that use.
 */
final class CoordinatorSnapshots {
    private static final String POSITION = "txn/position";
    private static final String PENDING = "txn/p/";
    private static final String RESUMED = "txn/resumed/";

    private final MetadataStore store;
    private final KvTable<String, byte[]> table;

    CoordinatorSnapshots(MetadataStore store) {
        this.store = store;
        this.table = store.table(MetadataTable.SNAPSHOTS, Codec.STRING, Codec.BYTES);
    }

    /** The position of the last snapshot, or 0. */
    long position() {
        byte[] v = table.get(POSITION);
        return v == null ? 0 : Codec.LONG.decode(v);
    }

    /** Every pending transaction of the last snapshot. */
    List<PendingTransaction> pending() {
        List<PendingTransaction> all = new ArrayList<>();
        table.forEachWithPrefix(PENDING, (key, value) -> all.add(PendingCodec.INSTANCE.decode(value)));
        return all;
    }

    /** Writes {@code changes} (null value: removed) and the new position in one synced batch. */
    void save(Map<Long, PendingTransaction> changes, long position) {
        try (MetadataBatch batch = store.batch()) {
            changes.forEach((offset, t) -> {
                if (t == null) {
                    table.delete(batch, key(offset));
                } else {
                    table.put(batch, key(offset), PendingCodec.INSTANCE.encode(t));
                }
            });
            table.put(batch, POSITION, Codec.LONG.encode(position));
            batch.write(true);
        }
    }

    /**
     * Records, durably, that the given-up copy at {@code copyOffset} is being resumed.
     *
     * @return false if it was resumed before (each copy is resumed at most once)
     */
    synchronized boolean markResumed(long copyOffset, long nowMs) {
        String key = RESUMED + java.util.HexFormat.of().toHexDigits(copyOffset);
        if (table.get(key) != null) {
            return false;
        }
        try (MetadataBatch batch = store.batch()) {
            table.put(batch, key, Codec.LONG.encode(nowMs));
            batch.write(true);
        }
        return true;
    }

    /** Takes back {@link #markResumed} after the resumed half could not be stored. */
    synchronized void unmarkResumed(long copyOffset) {
        try (MetadataBatch batch = store.batch()) {
            table.delete(batch, RESUMED + java.util.HexFormat.of().toHexDigits(copyOffset));
            batch.write(true);
        }
    }

    private static String key(long offset) {
        return PENDING + java.util.HexFormat.of().toHexDigits(offset);
    }
}
