package dev.halfmoon.log;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes whole commit-log segments, oldest first: those last written longer ago than
 * {@code fileReservedTime}, and more while the disk is fuller than {@code diskMaxUsedSpaceRatio}.
 * Never the active segment, nor one not yet flushed and dispatched. Before each deletion the
 * {@link RetentionHook} may carry records forward; the segment goes only once everything written
 * by then is on disk (under ASYNC_FLUSH a flush is asked for and awaited, a few seconds at most),
 * so a copy outlives its original even through a power loss. Then consume queues drop entries for
 * the deleted range. Runs on the retention thread.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final SegmentSet segments;
    private final LongConsumer trimBelow;
    private volatile RetentionConfig config;
    private final RetentionHook hook;
    private final DiskUsage usage;
    private final Clock clock;
    private final LongSupplier safeOffset;
    private final CommitLog log;
    private final FlushWait flushWait;
    private static final long FLUSH_WAIT_MS = 5_000;

    /** Asks for a flush and waits, a bounded time, until the log is on disk below an offset; false if it is not. */
    interface FlushWait {
        boolean awaitFlushed(long offset, long timeoutMs);
    }

    /**
     * @param trimBelow  drops what points below the new first offset (consume queues, the key index)
     * @param safeOffset segments ending above it are kept (min of flushed and dispatched offsets)
     * @param log       whose written offset tells whether the hook wrote anything
     * @param flushWait how the hook's records are waited onto disk
     */
    Retention(SegmentSet segments, LongConsumer trimBelow, RetentionConfig config, RetentionHook hook,
              DiskUsage usage, Clock clock, LongSupplier safeOffset, CommitLog log, FlushWait flushWait) {
        this.segments = segments;
        this.trimBelow = trimBelow;
        this.config = config;
        this.hook = hook;
        this.usage = usage;
        this.clock = clock;
        this.safeOffset = safeOffset;
        this.log = log;
        this.flushWait = flushWait;
    }

    /** Judges segments by {@code next}'s fileReservedTime and diskMaxUsedSpaceRatio from the next pass on. */
    void config(RetentionConfig next) {
        this.config = next;
    }

    /**
     * One retention pass; returns the number of segments deleted.
     *
     * @param asked an operator asked for it (deleteExpiredCommitLog): a full segment not yet on disk is flushed first
     *              rather than left to a later pass
     */
    int pass(boolean asked) {
        List<Segment> all = segments.snapshot();
        int deleted = 0;
        for (int i = 0; i < all.size() - 1; i++) {
            Segment segment = all.get(i);
            if (!due(segment) || !settled(segment, asked)) {
                break;
            }
            long before = log.writtenOffset();
            try {
                hook.beforeDelete(segment.startOffset(), segment.endOffset());
            } catch (Exception e) {
                LOG.error("retention hook failed for {}; keeping it until the next pass", segment, e);
                break;
            }
            long after = log.writtenOffset();
            // only after the hook wrote something: a failed store refuses those writes, so this never
            // waits on a flush that cannot happen
            if (after > before && !flushWait.awaitFlushed(after, FLUSH_WAIT_MS)) {
                LOG.warn("retention: what was carried forward out of {} is not on disk after {} s; keeping it until the "
                        + "next pass", segment, FLUSH_WAIT_MS / 1000);
                break;
            }
            LOG.info("retention: deleting {} (offsets {}..{})", segment, segment.startOffset(), segment.endOffset());
            segments.deleteFirst();
            deleted++;
        }
        if (deleted > 0) {
            trimBelow.accept(segments.minOffset(0));
        }
        return deleted;
    }

    /**
     * Whether the segment is on disk and dispatched. In a pass an operator asked for, a full one that is not yet (right
     * after writing, under ASYNC_FLUSH) has a flush asked for and awaited, a few seconds at most.
     */
    private boolean settled(Segment segment, boolean asked) {
        if (segment.endOffset() <= safeOffset.getAsLong()) {
            return true;
        }
        return asked && segment.endOffset() <= log.writtenOffset() && flushWait.awaitFlushed(segment.endOffset(), FLUSH_WAIT_MS)
                && segment.endOffset() <= safeOffset.getAsLong();
    }

    private boolean due(Segment segment) {
        RetentionConfig config = this.config;
        try {
            long age = clock.millis() - Files.getLastModifiedTime(segment.file()).toMillis();
            // the blocks of segments deleted before are given back only after a grace period: count them as free,
            // or one pass under disk pressure would delete every segment while the usage stays where it was
            return age >= config.fileReservedTimeMs()
                    || usage.usedRatioAfterFreeing(segments.retiredBytes()) * 100 > config.diskMaxUsedSpaceRatio();
        } catch (IOException e) {
            LOG.warn("retention: cannot read {}: {}", segment, e.toString());
            return false;
        }
    }
}
