package dev.halfmoon.log;

import dev.halfmoon.log.meta.MessageIndex;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.message.TagsCode;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the commit log and makes records visible: a consume-queue entry for each record the
 * {@link DispatchFilter} sends to a queue, index entries for its keys and unique id, and a call to
 * each {@link DispatchListener}.
 *
 * <p>Index entries are written to RocksDB in batches of up to {@value #INDEX_COMMIT_MS} ms (one write
 * per dispatch turn cost a system call and a RocksDB write per transaction); a query asks for the
 * batch at once ({@link #awaitIndexed}). {@link #indexedOffset()}, not {@link #dispatchedOffset()}, is
 * what a checkpoint may record, so that recovery replays whatever index entries were not yet written.
 *
 * <p>Confined to the dispatch thread ({@code halfmoon-dispatch}), and to the opening and closing thread
 * outside it. It owns the writes to the consume queues. The offsets are published for readers and
 * the checkpoint.
 */
final class Dispatcher implements ServiceThread.Work {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final long BYTES_PER_TURN = 8L << 20;
    /** The longest index entries wait in the batch, unless a query asks for them sooner. */
    static final long INDEX_COMMIT_MS = 10;
    private static final int INDEX_BATCH_MAX = 4096;

    private final LogScanner scanner;
    private final ConsumeQueues queues;
    private final MessageIndex index;
    private final DispatchFilter filter;
    private final TopicDrops drops;
    private final LongSupplier limit;
    private List<DispatchListener> listeners = List.of();
    /** The queues the current turn added entries to (told to listeners at its end). */
    private final Set<TopicQueue> grown = new HashSet<>();
    private final Set<TopicQueue> grownView = Collections.unmodifiableSet(grown);
    private volatile long dispatchedOffset;
    /** Every record below has its index entries in RocksDB (at most {@link #dispatchedOffset}). */
    private volatile long indexedOffset;
    private volatile boolean indexWanted;
    private MessageIndex.Batch batch;
    private long batchStartedNanos;
    private final Signal wake;
    private long gaps;

    /**
     * @param index  message index, or null when {@code messageIndexEnable} is off
     * @param drops  topics whose queues were dropped: their older records are not queued again
     * @param limit  how far records may be made visible (written offset, or flushed offset under SYNC)
     */
    Dispatcher(LogScanner scanner, ConsumeQueues queues, MessageIndex index, DispatchFilter filter, TopicDrops drops,
               LongSupplier limit, long startOffset, Signal wake) {
        this.scanner = scanner;
        this.queues = queues;
        this.index = index;
        this.filter = filter;
        this.drops = drops;
        this.limit = limit;
        this.dispatchedOffset = startOffset;
        this.indexedOffset = startOffset;
        this.wake = wake;
    }

    /** Listeners are told about records dispatched from now on. Call before the dispatch thread starts. */
    void listeners(List<DispatchListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    long dispatchedOffset() {
        return dispatchedOffset;
    }

    /** Every record below this offset is in the consume queues and has its index entries written. */
    long indexedOffset() {
        return indexedOffset;
    }

    /**
     * Waits, at most {@code timeoutMs}, until every record below {@code offset} is dispatched and its
     * index entries are written, asking the dispatch thread to write its batch now; false if not by then.
     */
    boolean awaitIndexed(long offset, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (indexedOffset < offset) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            indexWanted = true;
            wake.raise();
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        return true;
    }

    /** Records whose queue offset lay beyond their queue's end (entries missing before them) since the last call. */
    long takeGaps() {
        long g = gaps;
        gaps = 0;
        return g;
    }

    /** Restarts dispatch at {@code offset} (recovery only: a full replay). */
    void rewind(long offset) {
        commitIndex();
        dispatchedOffset = offset;
        indexedOffset = Math.min(indexedOffset, offset);
    }

    /** Asks the dispatch thread for a turn now (a drop waits for it). */
    void wake() {
        wake.raise();
    }

    @Override
    public int doWork() {
        long to = limit.getAsLong();
        // after reading the limit: a drop whose offset lies below it was asked for before the records above it were
        // written, so it is carried out before any of them goes to a queue
        drops.runPending(queues);
        long from = dispatchedOffset;
        if (from >= to) {
            if (indexWanted || indexedOffset < from && System.nanoTime() - batchStartedNanos >= INDEX_COMMIT_MS * 1_000_000) {
                commitIndex(); // the loop comes back every 10 ms when idle, so a batch waits at most about 20 ms
            }
            return 0;
        }
        if (index != null && batch == null) {
            batch = index.newBatch();
        }
        int before = batch == null ? 0 : batch.size();
        long reached = scanner.scan(from, to, BYTES_PER_TURN, (record, offset) -> dispatch(record, offset, batch));
        dispatchedOffset = reached;
        if (batch == null || batch.size() == 0) {
            indexedOffset = reached; // nothing waits in the batch
        } else {
            if (before == 0) {
                batchStartedNanos = System.nanoTime();
            }
            if (indexWanted || batch.size() >= INDEX_BATCH_MAX
                    || System.nanoTime() - batchStartedNanos >= INDEX_COMMIT_MS * 1_000_000) {
                commitIndex();
            }
        }
        for (DispatchListener l : listeners) {
            l.onDispatched(reached, grownView);
        }
        grown.clear();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, reached - from));
    }

    /** Writes the batched index entries; everything dispatched is then indexed. */
    private void commitIndex() {
        if (batch != null && batch.size() > 0) {
            batch.commit();
        }
        indexWanted = false;
        indexedOffset = dispatchedOffset;
    }

    /** Dispatches everything up to the limit on the calling thread (recovery, close) and writes the index. */
    void drain() {
        while (doWork() > 0) {
            // bounded: every turn advances toward a fixed limit
        }
        commitIndex();
        if (batch != null) {
            batch.close();
            batch = null;
        }
    }

    private void dispatch(RecordView record, long offset, MessageIndex.Batch batch) {
        String topic = record.topic();
        String properties = record.propertiesString();
        if (filter.toQueue(record) && !drops.covers(topic, offset)) {
            long tagsCode = TagsCode.of(MessageProperties.find(properties, MessageProperty.TAGS));
            TopicQueue id = new TopicQueue(topic, record.queueId());
            if (!listeners.isEmpty()) {
                grown.add(id);
            }
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
        for (String key : IndexKeys.of(properties)) {
            batch.add(topic, key, storeTimestamp, offset);
        }
    }
}
