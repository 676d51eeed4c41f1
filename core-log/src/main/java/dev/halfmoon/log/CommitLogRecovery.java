package dev.halfmoon.log;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds where the commit log really ends after a stop, clean or not: verifies frame after frame
 * from the last checkpoint (every record's length, magic and body CRC, and the frame checksum), cuts
 * the first torn, corrupt or garbage frame and everything after it, and zero-fills the cut so no old
 * bytes can be mistaken for records later. Runs on the opening thread before anything else touches
 * the segments.
 *
 * <p>It refuses, changing nothing, where a cut would destroy what is not a torn tail: a log whose first frame is not a
 * Halfmoon frame (another program's store, RocketMQ's among them, given as the data directory), and, when there is
 * no checkpoint to start from (the metadata lost or restored from elsewhere), damage followed by records, later in
 * the same segment or in later segments, unless the operator accepts that loss with the system property {@value #DROP_DAMAGED}. Past a checkpoint
 * the log may hold pages written back out of order before a power loss (a torn frame, then a whole one in the next
 * segment), all of them never flushed: that is a torn tail, cut as such.
 */
final class CommitLogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CommitLogRecovery.class);
    /** System property: true cuts a damaged log even where later segments hold records (they are dropped). */
    static final String DROP_DAMAGED = "halfmoon.recovery.dropDamaged";

    private CommitLogRecovery() {
    }

    /**
     * {@link #recover}, then forces every segment past the checkpoint: the checkpoint written next says the whole
     * recovered log is on disk, and a killed process may have left unflushed pages in any of them, not only the newest.
     */
    static long recoverToDisk(SegmentSet segments, long checkpointOffset, boolean hasCheckpoint, boolean checkBodyCrc) {
        long end = recover(segments, checkpointOffset, hasCheckpoint, checkBodyCrc);
        for (Segment s : segments.snapshot()) {
            if (s.endOffset() > checkpointOffset) {
                s.force(0, s.size());
            }
        }
        return end;
    }

    /**
     * @param checkpointOffset a frame boundary known to be on disk (0 without a checkpoint)
     * @param hasCheckpoint    whether there is a checkpoint (false: the metadata has none, the whole log is read)
     * @return the offset where the next frame goes
     */
    static long recover(SegmentSet segments, long checkpointOffset, boolean hasCheckpoint, boolean checkBodyCrc) {
        if (segments.isEmpty()) {
            return 0;
        }
        boolean fromCheckpoint = hasCheckpoint && segments.find(checkpointOffset) != null;
        long start = segments.find(checkpointOffset) != null ? checkpointOffset : segments.first().startOffset();
        if (checkpointOffset == segments.last().endOffset()) {
            return checkpointOffset;
        }
        long position = start;
        Frame.Check check = Frame.Check.EMPTY;
        Segment segment = segments.find(position);
        while (segment != null) {
            ByteBuffer view = segment.view();
            int at = (int) (position - segment.startOffset());
            check = Frame.check(view, at, checkBodyCrc);
            if (check == Frame.Check.FRAME) {
                position += view.getInt(at);
            } else if (check == Frame.Check.BLANK) {
                position = segment.endOffset();
                Segment next = segments.next(segment);
                if (next == null) {
                    return position;
                }
                segment = next;
            } else {
                break;
            }
        }
        if (check == Frame.Check.CORRUPT || !fromCheckpoint) { // (zeros too: a page never written back, or zeroed)
            refuseToDestroy(segments, segment, position, fromCheckpoint);
        }
        cut(segments, segment, position, check);
        LOG.info("commit log recovered: verified {} bytes from offset {}, ends at {}", position - start, start, position);
        return position;
    }

    private static void refuseToDestroy(SegmentSet segments, Segment segment, long position, boolean fromCheckpoint) {
        ByteBuffer view = segment.view();
        int at = (int) (position - segment.startOffset());
        int magic = view.limit() - at >= 8 ? view.getInt(at + 4) : 0;
        if (position == segments.first().startOffset() && magic != Frame.MAGIC && magic != 0) {
            throw new IllegalStateException("the commit log in " + segment.file().getParent() + " does not begin with a "
                    + "Halfmoon record (magic 0x" + Integer.toHexString(magic) + "): the data directory (storePathRootDir) "
                    + "holds another program's store (RocketMQ's cannot be taken over: give Halfmoon a directory of its "
                    + "own), or its first segment is damaged. Nothing was changed.");
        }
        if (fromCheckpoint || Boolean.getBoolean(DROP_DAMAGED)) {
            return;
        }
        int later = nextFrame(view, at + 1);
        Segment next = segments.next(segment);
        String where = later >= 0 ? "at offset " + (segment.startOffset() + later) + " of the same segment"
                : next != null && Frame.check(next.view(), 0, false) == Frame.Check.FRAME ? "in later segments (from "
                + next.file() + ")" : null;
        if (where != null) {
            throw new IllegalStateException("the commit log is damaged at offset " + position + " in " + segment.file()
                    + ", and records follow " + where + ": cutting it there, as after a torn write, would drop them. "
                    + "Nothing was changed. Restore the data directory from a copy, or accept the loss by starting "
                    + "once with -D" + DROP_DAMAGED + "=true (HALFMOON_OPTS)");
        }
    }

    /**
     * The position of the first whole frame at or after {@code from} in a segment {@code view}, or -1. Steps over zero
     * words eight bytes at a time: a frame's magic is four non-zero bytes, so the aligned word holding its first byte
     * is never zero, and only the starts that word allows are tried.
     */
    static int nextFrame(ByteBuffer view, int from) {
        int limit = view.limit();
        for (int word = from & ~7; word + 8 <= limit; word += 8) {
            if (view.getLong(word) == 0) {
                continue;
            }
            for (int start = Math.max(from, word - 4); start <= word + 3 && start + Frame.HEADER_SIZE <= limit; start++) {
                if (view.getInt(start + 4) == Frame.MAGIC && Frame.check(view, start, false) == Frame.Check.FRAME) {
                    return start;
                }
            }
        }
        return -1;
    }

    private static void cut(SegmentSet segments, Segment segment, long position, Frame.Check check) {
        int at = (int) (position - segment.startOffset());
        if (check == Frame.Check.CORRUPT) {
            LOG.warn("commit log: torn or corrupt data at offset {} in {}; cutting it and everything after",
                    position, segment.file());
        }
        segment.zeroFrom(at);
        long later = segment.endOffset();
        if (segments.last().endOffset() > later) {
            Segment next = segments.next(segment);
            if (next == segments.last() && Frame.check(next.view(), 0, false) == Frame.Check.EMPTY) {
                LOG.info("commit log: removing {}, prepared ahead of the end of the log and never written", next.file());
            } else {
                LOG.warn("commit log: deleting segments from offset {} on, after the cut at {}", later, position);
            }
            segments.deleteFrom(later);
        }
    }
}
