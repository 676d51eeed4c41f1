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
 * "txn/resumed/" + 16 hex  → int64: the half made when the given-up copy at that offset was resumed
 * </pre>
 * The pending set has one writer (the checkpoint caller); resume marks are written by whoever resumes,
 * each key once (the coordinator serialises resumes of one copy).
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

    /** The half made when the given-up copy at {@code copyOffset} was resumed, or null if it never was. */
    Long resumedHalf(long copyOffset) {
        byte[] v = table.get(resumedKey(copyOffset));
        return v == null ? null : Codec.LONG.decode(v);
    }

    /** Records, durably, that the copy at {@code copyOffset} was resumed as the half at {@code halfOffset}. */
    void markResumed(long copyOffset, long halfOffset) {
        try (MetadataBatch batch = store.batch()) {
            table.put(batch, resumedKey(copyOffset), Codec.LONG.encode(halfOffset));
            batch.write(true);
        }
    }

    /**
     * After recovery: marks the resumed halves the log holds ({@code found}: copy → half) and forgets
     * marks whose half is at or past {@code logEnd} (lost with the unflushed tail of the log), so such a
     * copy can be resumed again.
     */
    void reconcileResumed(Map<Long, Long> found, long logEnd) {
        List<String> lost = new ArrayList<>();
        table.forEachWithPrefix(RESUMED, (key, value) -> {
            if (Codec.LONG.decode(value) >= logEnd) {
                lost.add(key);
            }
        });
        if (lost.isEmpty() && found.isEmpty()) {
            return; // the usual start: no synced write for nothing
        }
        try (MetadataBatch batch = store.batch()) {
            lost.forEach(key -> table.delete(batch, key));
            found.forEach((copy, half) -> table.put(batch, resumedKey(copy), Codec.LONG.encode(half)));
            batch.write(true);
        }
    }

    private static String resumedKey(long copyOffset) {
        return RESUMED + java.util.HexFormat.of().toHexDigits(copyOffset);
    }

    private static String key(long offset) {
        return PENDING + java.util.HexFormat.of().toHexDigits(offset);
    }
}
