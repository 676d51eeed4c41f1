package dev.halfmoon.log.meta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Message key and unique-id index: {@code (topic, key)} → commit-log offsets, ordered by store time.
 *
 * <pre>
 * RocksDB key: int16 topicLength, topic UTF-8, int16 keyLength, key UTF-8, int64 storeTimestamp, int64 commitLogOffset
 * value:       empty
 * </pre>
 * Entries are hints: after a crash an entry may point at an offset the log no longer holds or
 * that a newer record reuses, so callers read the record and check it carries the key.
 *
 * <p>Thread-safe. Writes are batched by the dispatch thread and durable at the next checkpoint
 * (the dispatcher replays from there after a crash).
 */
public final class MessageIndex {
    private final MetadataStore store;
    private final ColumnFamilyHandle family;
    private final int maxKeyBytes;

    public MessageIndex(MetadataStore store) {
        this.store = store;
        this.family = store.family(MetadataTable.MESSAGE_INDEX);
        this.maxKeyBytes = Short.MAX_VALUE;
    }

    /** Collects index writes until committed. Not thread-safe; owned by one thread. */
    public final class Batch implements AutoCloseable {
        private final WriteBatch batch = new WriteBatch();
        private int size;

        /** Entries collected since the last commit. */
        public int size() {
            return size;
        }

        /** Indexes {@code key} of a record of {@code topic}. Keys too long to index are skipped. */
        public void add(String topic, String key, long storeTimestamp, long commitLogOffset) {
            byte[] prefix = prefix(topic, key);
            if (prefix == null) {
                return;
            }
            byte[] entry = ByteBuffer.allocate(prefix.length + 16).put(prefix).putLong(storeTimestamp)
                    .putLong(commitLogOffset).array();
            try {
                batch.put(family, entry, new byte[0]);
                size++;
            } catch (RocksDBException e) {
                throw new MetadataException("index " + topic + "#" + key, e);
            }
        }

        /** Writes what was collected (unsynced) and starts over. */
        public void commit() {
            if (size > 0) {
                store.write(batch, false);
                batch.clear();
                size = 0;
            }
        }

        @Override
        public void close() {
            batch.close();
        }
    }

    /** A new batch for the calling thread. */
    public Batch newBatch() {
        return new Batch();
    }

    /**
     * Commit-log offsets indexed under {@code (topic, key)} with store time in [{@code beginMs}, {@code endMs}],
     * oldest first, at most {@code max}.
     */
    public List<Long> find(String topic, String key, long beginMs, long endMs, int max) {
        List<Long> offsets = new ArrayList<>();
        byte[] prefix = prefix(topic, key);
        if (prefix == null || max <= 0) {
            return offsets;
        }
        byte[] start = ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(Math.max(0, beginMs)).array();
        try (RocksIterator it = store.db().newIterator(family)) {
            for (it.seek(start); it.isValid() && offsets.size() < max; it.next()) {
                byte[] k = it.key();
                if (k.length != prefix.length + 16 || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                    break;
                }
                ByteBuffer tail = ByteBuffer.wrap(k, prefix.length, 16);
                long time = tail.getLong();
                if (time > endMs) {
                    break;
                }
                offsets.add(tail.getLong());
            }
        }
        return offsets;
    }

    /**
     * Deletes the entries pointing below {@code minOffset} (segments retention deleted), so the index
     * does not outgrow the log. Reads every entry (keys are ordered by topic and key, not offset);
     * runs on the retention thread after segments go.
     *
     * @return entries deleted
     */
    public long pruneBelow(long minOffset) {
        long deleted = 0;
        try (RocksIterator it = store.db().newIterator(family); WriteBatch batch = new WriteBatch()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k.length >= 16 && ByteBuffer.wrap(k, k.length - 8, 8).getLong() < minOffset) {
                    batch.delete(family, k);
                    if (++deleted % 10_000 == 0) {
                        store.write(batch, false);
                        batch.clear();
                    }
                }
            }
            it.status(); // an iterator that stopped on an error says so here, instead of looking finished
            store.write(batch, false);
        } catch (RocksDBException e) {
            throw new MetadataException("prune the message index below " + minOffset, e);
        }
        return deleted;
    }

    private byte[] prefix(String topic, String key) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (t.length > maxKeyBytes || k.length > maxKeyBytes || k.length == 0) {
            return null;
        }
        return ByteBuffer.allocate(4 + t.length + k.length).putShort((short) t.length).put(t)
                .putShort((short) k.length).put(k).array();
    }
}
