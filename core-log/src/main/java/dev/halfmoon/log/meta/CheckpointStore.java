package dev.halfmoon.log.meta;

import dev.halfmoon.log.TopicQueue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Reads and writes the store's {@link Checkpoint} in the checkpoints table, atomically and synced.
 *
 * <pre>
 * "log"                          → int64 flushedOffset, int64 dispatchedOffset
 * "cq/" + topic + "\u0000" + id  → int64 queue end   (written only when it changed; deleted with its queue)
 * </pre>
 * Thread-safe for one writer (the checkpoint thread) and readers at open.
 */
public final class CheckpointStore {
    private static final byte[] LOG_KEY = "log".getBytes(StandardCharsets.UTF_8);
    private static final String QUEUE_PREFIX = "cq/";

    private final MetadataStore store;
    private final ColumnFamilyHandle family;
    private final Map<TopicQueue, Long> written = new HashMap<>();

    public CheckpointStore(MetadataStore store) {
        this.store = store;
        this.family = store.family(MetadataTable.CHECKPOINTS);
    }

    /** The last checkpoint, or {@link Checkpoint#NONE}. */
    public synchronized Checkpoint load() {
        KvTable<String, byte[]> table = store.table(MetadataTable.CHECKPOINTS, Codec.STRING, Codec.BYTES);
        byte[] log = table.get("log");
        if (log == null) {
            return Checkpoint.NONE;
        }
        ByteBuffer b = ByteBuffer.wrap(log);
        long flushed = b.getLong();
        long dispatched = b.getLong();
        Map<TopicQueue, Long> ends = new HashMap<>();
        table.forEachWithPrefix(QUEUE_PREFIX, (key, value) -> {
            int nul = key.lastIndexOf('\u0000');
            TopicQueue id = new TopicQueue(key.substring(QUEUE_PREFIX.length(), nul),
                    Integer.parseInt(key.substring(nul + 1)));
            ends.put(id, ByteBuffer.wrap(value).getLong());
        });
        written.clear();
        written.putAll(ends);
        return new Checkpoint(flushed, dispatched, ends);
    }

    /** Records {@code checkpoint}, synced, in one atomic write. */
    public synchronized void save(Checkpoint checkpoint) {
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(family, LOG_KEY, ByteBuffer.allocate(16).putLong(checkpoint.flushedOffset())
                    .putLong(checkpoint.dispatchedOffset()).array());
            for (Map.Entry<TopicQueue, Long> e : checkpoint.queueEnds().entrySet()) {
                if (!e.getValue().equals(written.get(e.getKey()))) {
                    String key = QUEUE_PREFIX + e.getKey().topic() + '\u0000' + e.getKey().queueId();
                    batch.put(family, key.getBytes(StandardCharsets.UTF_8),
                            ByteBuffer.allocate(8).putLong(e.getValue()).array());
                }
            }
            for (TopicQueue gone : written.keySet()) {
                if (!checkpoint.queueEnds().containsKey(gone)) { // (a dropped topic's queue)
                    batch.delete(family, (QUEUE_PREFIX + gone.topic() + '\u0000' + gone.queueId()).getBytes(StandardCharsets.UTF_8));
                }
            }
            store.write(batch, true);
            written.keySet().retainAll(checkpoint.queueEnds().keySet());
            written.putAll(checkpoint.queueEnds());
        } catch (RocksDBException e) {
            throw new MetadataException("save checkpoint", e);
        }
    }
}
