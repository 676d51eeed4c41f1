package dev.halfmoon.log;

import dev.halfmoon.log.meta.MessageIndex;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queries by message key (a word of KEYS, or the UNIQ_KEY): offsets from the key index, each record read back and
 * kept only if it really carries the key (the index holds hashes). Waits, a bounded time, for the index to catch up
 * with what was written before the query. Thread-safe.
 */
final class KeyLookup {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLookup.class);
    private static final long INDEX_WAIT_MS = 1000;

    private final MessageIndex index;
    private final Dispatcher dispatcher;
    private final LongSupplier writtenOffset;
    private final LongFunction<ByteBuffer> record;
    private final TopicDrops drops;

    /**
     * @param index  the key index, or null when it is disabled (every query finds nothing)
     * @param record the record at a commit-log offset, checked; null if it is gone or damaged
     * @param drops  dropped topics: their records from before the drop are not found
     */
    KeyLookup(MessageIndex index, Dispatcher dispatcher, LongSupplier writtenOffset, LongFunction<ByteBuffer> record,
              TopicDrops drops) {
        this.index = index;
        this.dispatcher = dispatcher;
        this.writtenOffset = writtenOffset;
        this.record = record;
        this.drops = drops;
    }

    /** See {@link LogStore#findByKey(String, String, long, long, int, boolean)}. */
    List<ByteBuffer> find(String topic, String key, long beginMs, long endMs, int max, boolean waitForIndex) {
        List<ByteBuffer> found = new ArrayList<>();
        if (index == null) {
            return found;
        }
        // what was written before the query is found (the dispatcher batches index writes); bounded, and a
        // store that cannot dispatch (failed) just answers with what is indexed
        if (waitForIndex && !dispatcher.awaitIndexed(writtenOffset.getAsLong(), INDEX_WAIT_MS)) {
            LOG.warn("query {}#{}: the index has not caught up with the log after {} ms; answering with what it holds",
                    topic, key, INDEX_WAIT_MS);
        }
        for (long offset : index.find(topic, key, beginMs, endMs, max)) {
            if (drops.covers(topic, offset)) {
                continue; // (a deleted topic's message, though one of that name was made again)
            }
            ByteBuffer r = record.apply(offset);
            if (r != null && carriesKey(RecordView.of(r), topic, key)) {
                found.add(r);
            }
        }
        return found;
    }

    private static boolean carriesKey(RecordView record, String topic, String key) {
        return record.topic().equals(topic) && IndexKeys.of(record.propertiesString()).contains(key);
    }
}
