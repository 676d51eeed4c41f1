package dev.halfmoon.log;

import dev.halfmoon.message.RecordLayout;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * The commit log: appends frames of records to the active segment, rolls to a new segment when a
 * frame does not fit (closing the old one with a blank filler), and flushes; {@link LogReads} serves reads.
 *
 * <p>Threading: one lock, {@code appendLock}, guards the active segment, the write position and
 * the queue-offset counters; appenders take it in turn, build their frame in a staging buffer and
 * write it to the segment's file with one positional write (see {@link Segment} for why not through
 * the mapping). {@link #flush} runs on the flush thread only. Reads are lock-free below the published {@link #writtenOffset()}.
 *
 * <p>Durability: under {@link FlushMode#SYNC_FLUSH} an append's future completes after the flush
 * thread has forced its bytes; under ASYNC it completes once the bytes are written.
 *
 * <p>Space: the allocator thread ({@link #allocateAhead}) keeps {@value #ALLOCATE_AHEAD} bytes of
 * the active segment allocated past the write position; an append that sees less than half of
 * that left wakes it. Near the end of a segment it prepares the next one (file created, head
 * allocated), so the append that rolls only writes the blank filler and switches files. So an
 * append copies bytes into the page cache and allocates no disk space of its own, unless the
 * allocator falls behind.
 */
final class CommitLog implements RecordAppender {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CommitLog.class);
    static final int ALLOCATE_AHEAD = 16 << 20;
    /** What the allocator allocates of the next segment before the roll (the appender then finds space). */
    static final int NEXT_SEGMENT_HEAD = 1 << 20;
    private static final long ALLOCATE_RETRY_NANOS = 1_000_000_000L;
    private final SegmentSet segments;
    private final Clock clock;
    private final DispatchFilter filter;
    private final StoreHealth health;
    private final GroupCommit groupCommit;
    private final Signal afterWrite;
    private final Signal allocate;
    private long allocateRetryAt;
    private final ReentrantLock appendLock = new ReentrantLock();
    /** Where a frame is built before one positional write puts it in the file. Under appendLock. */
    private ByteBuffer staging = ByteBuffer.allocateDirect(64 << 10);
    private final QueueOffsets queueOffsets;
    private volatile long writtenOffset;
    private volatile long flushedOffset;
    /** Set by the flush thread when an fsync fails; never cleared. */
    private volatile boolean flushFailed;
    private volatile AppendStatus gate = AppendStatus.NOT_STARTED;

    /**
     * @param segments     the recovered segments
     * @param endOffset    where the recovered log ends (the next frame goes here)
     * @param clock        store clock
     * @param filter       which records get queue offsets
     * @param health       appends are refused unless it says writable
     * @param groupCommit  SYNC waiters, or null under ASYNC
     * @param afterWrite   raised after an append: every one under SYNC (it wakes the flusher); under ASYNC (it wakes
     *                     the dispatcher) only one holding a record for a consume queue, which consumers wait
     *                     for; the rest (transaction halves and op records) the dispatcher takes on its next turn,
     *                     sparing a thread wake-up per such append
     * @param allocate     raised when the allocated space ahead of the write position runs low
     * @param queueStart   where a topic queue's offsets start the first time it is seen
     */
    CommitLog(SegmentSet segments, long endOffset, Clock clock, DispatchFilter filter, StoreHealth health,
              GroupCommit groupCommit, Signal afterWrite, Signal allocate, ToLongFunction<TopicQueue> queueStart) {
        this.segments = segments;
        this.clock = clock;
        this.filter = filter;
        this.health = health;
        this.groupCommit = groupCommit;
        this.afterWrite = afterWrite;
        this.allocate = allocate;
        this.queueOffsets = new QueueOffsets(queueStart);
        this.writtenOffset = endOffset;
        this.flushedOffset = endOffset;
    }

    /** One past the last byte written; readers may look at anything below it. */
    long writtenOffset() {
        return writtenOffset;
    }

    /** One past the last byte known to be on disk. */
    long flushedOffset() {
        return flushedOffset;
    }

    /** First byte still held (after retention), or the write position of an empty log. */
    long minOffset() {
        return segments.minOffset(writtenOffset);
    }

    SegmentSet segments() {
        return segments;
    }

    /** How an append is treated. */
    enum Kind {
        /** A client waits on it. */
        URGENT,
        /** Nobody waits on it: under SYNC its fsync may wait a little for an urgent one. */
        UNHURRIED,
        /**
         * It lets retention give space back (a pending half carried out of a segment about to go): taken while the
         * disk is fuller than {@code diskSpaceWarningLevelRatio}, which keeps that last share of the disk for it.
         */
        FREEING
    }

    @Override
    public CompletableFuture<AppendResult> append(List<ByteBuffer> records) {
        return append(records, Kind.URGENT);
    }

    CompletableFuture<AppendResult> append(List<ByteBuffer> records, Kind kind) {
        int recordBytes = 0;
        ByteBuffer previous = null;
        for (ByteBuffer record : records) {
            RecordView view = RecordView.of(record);
            if (view.check(false) != RecordView.Check.OK || view.totalSize() != record.remaining()
                    || previous != null && Frame.holdsOnly(previous, previous.limit(), record.remaining())) {
                // (the last: a batch whose record ends in bytes shaped like the header of a frame holding only the
                // next one; reads would check the next record against that false header and call it corrupt)
                return CompletableFuture.completedFuture(AppendResult.failed(AppendStatus.INVALID_RECORD));
            }
            recordBytes += record.remaining();
            previous = record;
        }
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(AppendResult.failed(AppendStatus.INVALID_RECORD));
        }
        int frameSize = Frame.HEADER_SIZE + recordBytes;
        if (frameSize > segments.segmentSize() - RecordLayout.BLANK_SIZE) {
            return CompletableFuture.completedFuture(AppendResult.failed(AppendStatus.RECORD_TOO_LARGE));
        }
        appendLock.lock();
        try {
            return appendLocked(records, recordBytes, frameSize, kind);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Under the append lock, so that no record of {@code topic} takes a queue offset meanwhile: calls {@code dropped}
     * with the offset below which every record so far lies, then starts the topic's queues (those counted and the ids
     * {@code queueIds} gives) again at queue offset 0.
     */
    void restartQueues(String topic, java.util.function.Supplier<java.util.Collection<Integer>> queueIds,
                       java.util.function.LongConsumer dropped) {
        appendLock.lock();
        try {
            dropped.accept(writtenOffset);
            queueOffsets.restart(topic, queueIds.get());
        } finally {
            appendLock.unlock();
        }
    }

    private CompletableFuture<AppendResult> appendLocked(List<ByteBuffer> records, int recordBytes, int frameSize,
                                                         Kind kind) {
        AppendStatus refusal = gate != AppendStatus.OK ? gate : health.appendStatus(kind == Kind.FREEING);
        if (refusal != AppendStatus.OK) {
            return CompletableFuture.completedFuture(AppendResult.failed(refusal));
        }
        List<AppendedRecord> placed = new ArrayList<>(records.size());
        CompletableFuture<Boolean> durable = null;
        try {
            Segment segment = activeSegmentFor(frameSize);
            long frameStart = writtenOffset;
            int position = (int) (frameStart - segment.startOffset());
            segment.allocate(position, position + frameSize);
            ByteBuffer frame = staging(frameSize);
            fillFrame(frame, records, recordBytes, frameStart, placed);
            segment.write(frame.flip(), position);
            queueOffsets.commit();
            // Under SYNC the waiter is registered before the flusher can see the new end, so no flush
            // can cover these bytes without completing it.
            durable = groupCommit == null ? null : groupCommit.register(frameStart + frameSize, kind != Kind.UNHURRIED);
            writtenOffset = frameStart + frameSize;
            int allocated = segment.allocated();
            if (allocated - (position + frameSize) < ALLOCATE_AHEAD / 2 && allocated < segment.size()) {
                allocate.raise();
            }
        } catch (LogIOException e) {
            queueOffsets.rollback();
            return CompletableFuture.completedFuture(AppendResult.failed(onWriteFailure(e)));
        } catch (RuntimeException e) {
            // (a hook of the layer above, e.g. the dispatch filter, failed: the offsets it took go back)
            queueOffsets.rollback();
            throw e;
        }
        AppendResult result = new AppendResult(AppendStatus.OK, placed);
        CompletableFuture<AppendResult> done = durable == null
                ? CompletableFuture.completedFuture(result)
                : durable.thenApply(ok -> ok ? result : new AppendResult(AppendStatus.FLUSH_FAILED, placed)); // (where it went)
        if (groupCommit != null || queued(placed)) {
            afterWrite.raise();
        }
        return done;
    }

    private ByteBuffer staging(int size) {
        if (staging.capacity() < size) {
            long power = Long.highestOneBit(size - 1L) << 1; // the next power of two, if an int holds it
            staging = ByteBuffer.allocateDirect(power <= Integer.MAX_VALUE ? (int) power : size);
        }
        return staging.clear().limit(size);
    }

    private static boolean queued(List<AppendedRecord> placed) {
        for (AppendedRecord r : placed) {
            if (r.queueOffset() >= 0) {
                return true;
            }
        }
        return false;
    }

    private AppendStatus onWriteFailure(LogIOException e) {
        if (e.isDiskFull()) {
            health.diskFull(true, e.getMessage());
            return AppendStatus.DISK_FULL;
        }
        health.fail(e);
        return AppendStatus.STORE_FAILED;
    }

    /** The segment the next frame goes into, rolling over (blank filler + new file) when it does not fit. */
    private Segment activeSegmentFor(int frameSize) {
        Segment segment = segments.find(writtenOffset);
        if (segment == null) {
            return segments.create(writtenOffset);
        }
        int position = (int) (writtenOffset - segment.startOffset());
        if ((long) position + frameSize + RecordLayout.BLANK_SIZE <= segment.size()) { // long: segments up to 2 GiB
            return segment;
        }
        ByteBuffer blank = ByteBuffer.allocate(RecordLayout.BLANK_SIZE);
        blank.putInt(segment.size() - position).putInt(RecordLayout.BLANK_MAGIC).flip();
        segment.write(blank, position);
        writtenOffset = segment.endOffset();
        return segments.create(writtenOffset);
    }

    private void fillFrame(ByteBuffer frame, List<ByteBuffer> records, int recordBytes, long frameStart,
                           List<AppendedRecord> placed) {
        Frame.putHeader(frame, recordBytes, records.size());
        long now = clock.millis();
        for (ByteBuffer record : records) {
            int at = frame.position();
            frame.put(record.duplicate());
            RecordView view = RecordView.at(frame, at);
            long queueOffset = filter.toQueue(view) ? queueOffsets.take(new TopicQueue(view.topic(), view.queueId())) : -1;
            long physicalOffset = frameStart + at;
            frame.putLong(at + RecordLayout.QUEUE_OFFSET_POSITION, Math.max(queueOffset, 0));
            frame.putLong(at + RecordLayout.PHYSICAL_OFFSET_POSITION, physicalOffset);
            frame.putLong(at + RecordLayout.storeTimestampPosition(view.sysFlag()), now);
            placed.add(new AppendedRecord(physicalOffset, view.totalSize(), queueOffset, now));
        }
        Frame.seal(frame, 0);
    }

    /** Whether a frame of {@code bytes} would fit the active segment's allocated space now (racy; a hint). */
    boolean fitsAllocated(int bytes) {
        long end = writtenOffset;
        Segment segment = segments.find(end);
        if (segment == null) {
            return false;
        }
        long after = end - segment.startOffset() + Frame.HEADER_SIZE + (long) bytes;
        return after <= segment.allocated() && after + RecordLayout.BLANK_SIZE <= segment.size();
    }

    /**
     * One step of allocating space ahead of the write position in the active segment and, once that
     * reaches the segment's end, of preparing the next segment (its file created and its first
     * {@value #NEXT_SEGMENT_HEAD} bytes allocated) so the roll only switches files. Allocator thread
     * only. A failure (a full disk) is logged and retried a second later; the append that needs the
     * space meets the same error and reports it.
     *
     * @return bytes allocated, 0 when nothing was to do
     */
    int allocateAhead() {
        long now = System.nanoTime();
        if (allocateRetryAt != 0 && now - allocateRetryAt < 0) {
            return 0;
        }
        long end = writtenOffset;
        Segment segment = segments.find(end);
        if (segment == null) {
            return 0;
        }
        try {
            int done = segment.allocateAhead((int) (end - segment.startOffset()), ALLOCATE_AHEAD);
            if (done == 0 && end + ALLOCATE_AHEAD >= segment.endOffset()) {
                done = prepareNextSegment();
            }
            allocateRetryAt = 0;
            return done;
        } catch (LogIOException e) {
            if (allocateRetryAt == 0) {
                LOG.warn("commit log: could not allocate space ahead of the write position ({}); appends will "
                        + "allocate for themselves and report the error", e.getMessage());
            }
            allocateRetryAt = now + ALLOCATE_RETRY_NANOS;
            return 0;
        }
    }

    private int prepareNextSegment() {
        return segments.prepareNext(NEXT_SEGMENT_HEAD) ? NEXT_SEGMENT_HEAD : 0;
    }

    /**
     * Forces everything written so far to disk. Flush thread only.
     *
     * @return the new flushed offset
     * @throws LogIOException if fsync fails
     */
    long flush() {
        long target = writtenOffset;
        long from = flushedOffset;
        if (target <= from) {
            return from;
        }
        if (flushFailed) {
            return from;
        }
        Segment segment = segments.find(from);
        try {
            while (segment != null && segment.startOffset() < target) {
                long start = Math.max(from, segment.startOffset());
                long end = Math.min(target, segment.endOffset());
                segment.force((int) (start - segment.startOffset()), (int) (end - segment.startOffset()));
                segment = segments.next(segment);
            }
        } catch (LogIOException e) {
            // Linux reports a writeback error once, and marks the pages it failed to write clean: a second fsync
            // would succeed over bytes that never reached the disk. So the flushed offset (and with it the
            // checkpoint, SYNC acknowledgements and what SYNC dispatches) never moves again; the next start
            // verifies the log from the last good checkpoint.
            flushFailed = true;
            throw e;
        }
        flushedOffset = target;
        return target;
    }

    /** True once an fsync failed: the flushed offset stays where it was until the store is reopened. */
    boolean flushFailed() {
        return flushFailed;
    }

    /** Starts accepting appends. */
    void open() {
        gate = AppendStatus.OK;
    }

    /** Refuses further appends; an append in progress finishes first. */
    void close() {
        appendLock.lock();
        try {
            gate = AppendStatus.CLOSED;
        } finally {
            appendLock.unlock();
        }
    }
}
