package dev.halfmoon.log;

import dev.halfmoon.log.meta.Checkpoint;
import dev.halfmoon.log.meta.CheckpointStore;
import dev.halfmoon.log.meta.MessageIndex;
import dev.halfmoon.log.meta.MetadataStore;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared append-only store: commit log, consume queues, message index, and the background
 * loops that flush, dispatch, checkpoint and retain. It is where core-log is assembled; the parts
 * do the work.
 *
 * <p>Life cycle: {@link #open} recovers (verifies the log tail, levels the consume queues) and
 * returns a store that serves reads but refuses appends; upper layers rebuild their own state with
 * {@link #scan} up to {@link #recoveredEndOffset()}, then call {@link #start} with their dispatch
 * listeners; {@link #close} flushes, checkpoints and stops. Thread-safe.
 *
 * <p>Survives a crash: every append the flush mode acknowledged (all of them under SYNC), whole
 * batches only; consume queues and the index are rebuilt from the last checkpoint.
 */
public final class LogStore implements RecordAppender, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogStore.class);

    private final StoreConfig config;
    private final SegmentSet segments;
    private final ConsumeQueues queues;
    private final CommitLog commitLog;
    private final LogReads reads;
    private final LogScanner scanner;
    private final Dispatcher dispatcher;
    private final QueueReader reader;
    private final KeyLookup keys;
    private final CheckpointStore checkpoints;
    private final TopicDrops drops;
    private final StoreHealth health;
    private final Services services;
    private final long recoveredEnd;
    private final Object checkpointLock = new Object();
    private Checkpoint lastCheckpoint;
    private boolean started;
    private boolean closed;

    LogStore(StoreConfig config, SegmentSet segments, ConsumeQueues queues, CommitLog commitLog, Dispatcher dispatcher,
             MessageIndex index, CheckpointStore checkpoints, TopicDrops drops, StoreHealth health, Services services,
             long recoveredEnd) {
        this.config = config;
        this.segments = segments;
        this.queues = queues;
        this.commitLog = commitLog;
        this.scanner = new LogScanner(segments);
        this.dispatcher = dispatcher;
        this.reads = new LogReads(segments, commitLog);
        this.reader = new QueueReader(queues, reads, health);
        this.keys = new KeyLookup(index, dispatcher, commitLog::writtenOffset, offset -> checked(offset, "query by key"),
                drops);
        this.checkpoints = checkpoints;
        this.drops = drops;
        this.health = health;
        this.services = services;
        this.recoveredEnd = recoveredEnd;
    }

    /**
     * Opens and recovers the store in {@code config.rootDir()}. No thread runs until {@link #start}.
     *
     * @param metadata the RocksDB metadata store; the caller closes it after this store
     * @throws LogIOException        if a file cannot be read or written
     * @throws IllegalStateException if the directory holds something that is not a store of this configuration
     */
    public static LogStore open(StoreConfig config, MetadataStore metadata, StoreHooks hooks) {
        return StoreOpening.open(config, metadata, hooks);
    }

    /**
     * Starts the background loops and accepts appends. Listeners hear of records dispatched from
     * now on.
     */
    public synchronized LogStore start(List<DispatchListener> listeners) {
        if (started || closed) {
            throw new IllegalStateException(closed ? "store is closed" : "store already started");
        }
        started = true;
        dispatcher.listeners(listeners);
        services.start(this::checkpoint);
        commitLog.open();
        return this;
    }

    @Override
    public CompletableFuture<AppendResult> append(List<ByteBuffer> records) {
        return commitLog.append(records, CommitLog.Kind.URGENT);
    }

    @Override
    public CompletableFuture<AppendResult> appendUnhurried(List<ByteBuffer> records) {
        return commitLog.append(records, CommitLog.Kind.UNHURRIED);
    }

    @Override
    public CompletableFuture<AppendResult> appendToFreeSpace(List<ByteBuffer> records) {
        return commitLog.append(records, CommitLog.Kind.FREEING);
    }

    /**
     * Reads up to {@code maxRecords} records (and about {@code maxBytes}) of a queue from
     * {@code fromOffset}, skipping entries whose tag code {@code tagFilter} rejects (null: all).
     * The records are views of the log, not copies.
     */
    public QueueReadResult readQueue(String topic, int queueId, long fromOffset, int maxRecords, int maxBytes,
                                     LongPredicate tagFilter) {
        return reader.read(new TopicQueue(topic, queueId), fromOffset, maxRecords, maxBytes, tagFilter);
    }

    /** The first queue offset whose record is still held; 0 for an unknown queue. */
    public long minQueueOffset(String topic, int queueId) {
        return reader.minOffset(new TopicQueue(topic, queueId));
    }

    /** One past the last dispatched entry of the queue; 0 for an unknown queue. */
    public long maxQueueOffset(String topic, int queueId) {
        return reader.maxOffset(new TopicQueue(topic, queueId));
    }

    /** Up to {@code count} (at most 16 000) entries of a queue from {@code from}, as stored (mqadmin queryCq). */
    public List<QueueEntry> queueEntries(String topic, int queueId, long from, int count) {
        return reader.entries(new TopicQueue(topic, queueId), from, count);
    }

    /**
     * Drops {@code topic}'s consume queues (a deleted topic, as RocketMQ's deleteTopic does): its records stay in the
     * log until retention but no queue serves them again, after a restart or a crash either, and the topic's queues
     * start again at queue offset 0. Appends wait for the drop's synced record (a few ms); the queues' files go on the
     * dispatch thread, which this waits for, at most {@code timeoutMs}, then checkpoints.
     *
     * @return false if the dispatch thread had not dropped them by then (it still will)
     */
    public boolean dropTopic(String topic, long timeoutMs) {
        synchronized (this) {
            if (!started || closed) {
                throw new IllegalStateException("the store is " + (closed ? "closed" : "not started"));
            }
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        commitLog.restartQueues(topic, () -> queues.queueIdsOf(topic), offset -> drops.add(topic, offset, done));
        dispatcher.wake();
        try {
            done.get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        checkpoint();
        return true;
    }

    /** Whether {@code topic}'s queues were dropped (deleted) and retention has not yet passed the drop. */
    public boolean wasDropped(String topic) {
        return drops.droppedAt(topic) >= 0;
    }

    /** Topics with a consume queue holding entries (mqadmin cleanUnusedTopic drops those no longer configured). */
    public java.util.Set<String> queueTopics() {
        return queues.topics();
    }

    /** Whether a record of the queue in [{@code from}, {@code to}) has a tags code {@code filter} accepts (no read). */
    public boolean anyTagMatch(String topic, int queueId, long from, long to, LongPredicate filter) {
        return reader.anyTagMatch(new TopicQueue(topic, queueId), from, to, filter);
    }

    /** The first queue offset stored at or after {@code timestampMs} (the max offset if none). */
    public long queueOffsetByTime(String topic, int queueId, long timestampMs) {
        return reader.offsetByTime(new TopicQueue(topic, queueId), timestampMs);
    }

    /**
     * The record at {@code commitLogOffset} as a read-only view, or null if no record starts there
     * or it fails its checks (reported as corrupt, never served; see {@link LogReads#damage}).
     */
    public ByteBuffer readRecord(long commitLogOffset) {
        return checked(commitLogOffset, "read by offset");
    }

    private ByteBuffer checked(long commitLogOffset, String reader) {
        ByteBuffer record = reads.readRecord(commitLogOffset);
        return record == null || health.intact(reads.damage(commitLogOffset, record), commitLogOffset, reader, -1)
                ? record : null;
    }

    /**
     * The stored size of the record at {@code commitLogOffset}, or -1 if no record starts there. Reads
     * the record's fixed fields only (no checksum): a cheap look before deciding how to handle it.
     */
    public int recordSize(long commitLogOffset) {
        ByteBuffer record = reads.readRecord(commitLogOffset);
        return record == null ? -1 : record.remaining();
    }

    /**
     * Visits the records from the frame boundary {@code from} up to {@code to} (clamped to what is
     * written), oldest first.
     *
     * @return the boundary reached
     */
    public long scan(long from, long to, RecordVisitor visitor) {
        return scanner.scan(Math.max(from, commitLog.minOffset()), Math.min(to, commitLog.writtenOffset()),
                Long.MAX_VALUE, visitor);
    }

    /** The store time of the oldest record kept, or 0 when there is none (reads one frame). */
    public long earliestStoreTimestamp() {
        long[] first = {0};
        scanner.scan(commitLog.minOffset(), commitLog.writtenOffset(), 1, (record, offset) -> {
            if (first[0] == 0) {
                first[0] = record.storeTimestamp();
            }
        });
        return first[0];
    }

    /**
     * Records of {@code topic} indexed under {@code key} (a word of KEYS, or the UNIQ_KEY) and stored
     * within [{@code beginMs}, {@code endMs}], oldest first, at most {@code max}. Empty when the index
     * is disabled.
     */
    public List<ByteBuffer> findByKey(String topic, String key, long beginMs, long endMs, int max) {
        return findByKey(topic, key, beginMs, endMs, max, true);
    }

    /**
     * As {@link #findByKey(String, String, long, long, int)}; without {@code waitForIndex} it answers at once with what
     * is indexed (records written in the last moments may be missing), for callers that must not block.
     */
    public List<ByteBuffer> findByKey(String topic, String key, long beginMs, long endMs, int max, boolean waitForIndex) {
        return keys.find(topic, key, beginMs, endMs, max, waitForIndex);
    }

    /** The first commit-log offset still held. */
    public long minCommitLogOffset() {
        return commitLog.minOffset();
    }

    /** One past the last byte written to the commit log. */
    public long writtenOffset() {
        return commitLog.writtenOffset();
    }

    /**
     * Whether an append of about {@code bytes} would, at this moment, only copy into space already
     * allocated in the active segment: no segment roll, no file write of its own, no refusal. A
     * hint for callers choosing a thread (it may change before they append), not a promise.
     */
    public boolean appendWouldNotBlock(int bytes) {
        return health.appendStatus() == AppendStatus.OK && commitLog.fitsAllocated(bytes);
    }

    /** One past the last byte known to be on disk. */
    public long flushedOffset() {
        return commitLog.flushedOffset();
    }

    /**
     * Asks the flush thread to flush now instead of at its next interval (ASYNC); returns at once.
     * Watch {@link #flushedOffset()} to see it done.
     */
    public void requestFlush() {
        services.requestFlush();
    }

    /**
     * Asks for a retention pass now rather than at its next interval ({@code cleanResourceInterval}); returns at once.
     * Segments past {@code fileReservedTime} go, and more while the disk is fuller than {@code diskMaxUsedSpaceRatio},
     * as in every pass.
     */
    public void requestRetention() {
        services.requestRetention();
    }

    /**
     * Changes how long segments are kept ({@code fileReservedTime}) and the disk usage above which older ones go early
     * ({@code diskMaxUsedSpaceRatio}), from the next retention pass on; the other fields of {@code next} are read once,
     * at open.
     */
    public void retention(RetentionConfig next) {
        services.retention(next);
    }

    /**
     * Asks for a flush and waits, at most {@code timeoutMs}, until the log is on disk below
     * {@code offset}; false if it is not by then (a failed store never gets there).
     */
    public boolean awaitFlushed(long offset, long timeoutMs) {
        return services.awaitFlushed(offset, timeoutMs);
    }

    /** Everything below this offset is visible in consume queues. */
    public long dispatchedOffset() {
        return dispatcher.dispatchedOffset();
    }

    /** Where the log ended when it was opened: upper layers rebuild their state up to here. */
    public long recoveredEndOffset() {
        return recoveredEnd;
    }

    /** Flushes of the commit log done since open (the background loop's). */
    public long flushCount() {
        return services.flusher().flushCount();
    }

    /** Total time spent flushing since open, ns. */
    public long flushNanos() {
        return services.flusher().flushNanos();
    }

    /** Whether appends are accepted, and why not. */
    public StoreHealth health() {
        return health;
    }

    public StoreConfig config() {
        return config;
    }

    /** Records durable positions (flushing consume queues first). Called by the checkpoint loop and at close. */
    void checkpoint() {
        queues.releaseRetired(); // (a dropped topic's files: retention's passes may be hours apart)
        synchronized (checkpointLock) {
            saveCheckpoint();
        }
    }

    private void saveCheckpoint() {
        long flushed = commitLog.flushedOffset();
        long dispatched = dispatcher.indexedOffset(); // recovery replays from here: index entries included
        Checkpoint next = new Checkpoint(flushed, dispatched, queues.ends());
        if (next.equals(lastCheckpoint)) {
            return;
        }
        queues.force();
        checkpoints.save(next);
        lastCheckpoint = next;
    }

    /** Stops appends, flushes, dispatches what is left, checkpoints and closes the files. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        commitLog.close();
        services.stop();
        try {
            checkpoint();
        } catch (RuntimeException e) {
            LOG.error("final checkpoint failed; recovery will verify more of the log at the next start", e);
        }
        queues.close();
        segments.close();
    }
}
