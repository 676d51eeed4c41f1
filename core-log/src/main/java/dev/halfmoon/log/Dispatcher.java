package dev.halfmoon.log;

import dev.halfmoon.log.meta.MessageIndex;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.message.TagsCode;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the commit log and makes records visible: a consume-queue entry for each record the
 * {@link DispatchFilter} sends to a queue, index entries for its keys and unique id, and a call to
 * each {@link DispatchListener}.
 *
 * <p>Confined to the dispatch thread ({@code halfmoon-dispatch}), and to the opening thread during
 * recovery. It owns the writes to the consume queues. {@link #dispatchedOffset()} is published for
 * readers and the checkpoint.
 */
final class Dispatcher implements ServiceThread.Work {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final long BYTES_PER_TURN = 8L << 20;

    private final LogScanner scanner;
    private final ConsumeQueues queues;
    private final MessageIndex index;
    private final DispatchFilter filter;
    private final LongSupplier limit;
    private List<DispatchListener> listeners = List.of();
    private volatile long dispatchedOffset;
    private long gaps;

    /**
     * @param index  message index, or null when {@code messageIndexEnable} is off
     * @param limit  how far records may be made visible (written offset, or flushed offset under SYNC)
     */
    Dispatcher(LogScanner scanner, ConsumeQueues queues, MessageIndex index, DispatchFilter filter,
               LongSupplier limit, long startOffset) {
        this.scanner = scanner;
        this.queues = queues;
        this.index = index;
        this.filter = filter;
        this.limit = limit;
        this.dispatchedOffset = startOffset;
    }

    /** Listeners are told about records dispatched from now on. Call before the dispatch thread starts. */
    void listeners(List<DispatchListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    long dispatchedOffset() {
        return dispatchedOffset;
    }

    /** Records whose queue offset lay beyond their queue's end (entries missing before them) since the last call. */
    long takeGaps() {
        long g = gaps;
        gaps = 0;
        return g;
    }

    /** Restarts dispatch at {@code offset} (recovery only: a full replay). */
    void rewind(long offset) {
        dispatchedOffset = offset;
    }

    @Override
    public int doWork() {
        long to = limit.getAsLong();
        long from = dispatchedOffset;
        if (from >= to) {
            return 0;
        }
        long reached;
        try (MessageIndex.Batch batch = index == null ? null : index.newBatch()) {
            reached = scanner.scan(from, to, BYTES_PER_TURN, (record, offset) -> dispatch(record, offset, batch));
            if (batch != null) {
                batch.commit();
            }
        }
        dispatchedOffset = reached;
        for (DispatchListener l : listeners) {
            l.onDispatched(reached);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, reached - from));
    }

    /** Dispatches everything up to the limit on the calling thread (recovery). */
    void drain() {
        while (doWork() > 0) {
            // bounded: every turn advances toward a fixed limit
        }
    }

    private void dispatch(RecordView record, long offset, MessageIndex.Batch batch) {
        String topic = record.topic();
        String properties = record.propertiesString();
        if (filter.toQueue(record)) {
            long tagsCode = TagsCode.of(MessageProperties.find(properties, MessageProperty.TAGS));
            TopicQueue id = new TopicQueue(topic, record.queueId());
            if (!queues.getOrCreate(id).put(record.queueOffset(), offset, record.totalSize(), tagsCode)) {
                gaps++;
                LOG.warn("consume queue {} lacks entries before queue offset {} (record at {})",
                        id, record.queueOffset(), offset);
            }
        }
        if (batch != null) {
            indexKeys(topic, properties, record.storeTimestamp(), offset, batch);
        }
        for (DispatchListener l : listeners) {
            l.onRecord(record, offset);
        }
    }

    private static void indexKeys(String topic, String properties, long storeTimestamp, long offset,
                                  MessageIndex.Batch batch) {
        String uniq = MessageProperties.find(properties, MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (uniq != null) {
            batch.add(topic, uniq, storeTimestamp, offset);
        }
        String keys = MessageProperties.find(properties, MessageProperty.KEYS);
        if (keys != null) {
            for (String key : keys.split(MessageProperty.KEY_SEPARATOR)) {
                if (!key.isEmpty()) {
                    batch.add(topic, key, storeTimestamp, offset);
                }
            }
        }
    }
}
